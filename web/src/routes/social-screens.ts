// The social screens (the feed and Discover, a post, post search, a tag's posts), loaded on demand
// as ONE chunk (app.tsx picks each from it): they share the post card and lib/social.ts (see orders-screens.ts for why
// one chunk rather than a common chunk of their own).
export { default as Feed } from './feed'
export { default as PostPage } from './post'
export { default as PostSearch } from './post-search'
export { default as TagPage } from './tag'
export { default as FollowRequests, PrivacySettings } from './follow-requests'
