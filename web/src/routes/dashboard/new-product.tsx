import { A } from '@solidjs/router'
import { ProductEditor } from '../../components/product-editor'
import { VendorGate } from '../../components/vendor-gate'
import { PageMeta } from '../../lib/head'

export default function NewProduct() {
  return (
    <>
      <PageMeta title="List a product" description="Add a product to your shop." noindex />
      <nav aria-label="Breadcrumb">
        <ol class="breadcrumbs">
          <li><A href="/dashboard">Dashboard</A></li>
          <li aria-current="page">New product</li>
        </ol>
      </nav>
      <div class="page-header">
        <div>
          <h1>List a product</h1>
          <p>Describe it first; you add photos on the next step.</p>
        </div>
      </div>
      <VendorGate>{() => <ProductEditor />}</VendorGate>
    </>
  )
}
