/**
 * App Store Connect resources a CI product points at: the app a product
 * builds (when the products file names its `appId`) and the `builds` that
 * distributable archives produce. Only what Stratus knows is filled in;
 * everything App Store Connect alone would know is null.
 */
import type { ProductRow } from '../../store/catalog-repository.ts';
import type { BuildRow } from '../../store/build-run-repository.ts';
import type { ResourceDefinition } from '../jsonapi/resource-definition.ts';

interface AppRow {
  id: string;
  product: ProductRow;
}

export const apps: ResourceDefinition<AppRow> = {
  type: 'apps',
  load: async (ids, ctx) => {
    const rows: AppRow[] = [];
    for (const id of ids) {
      const product = await ctx.store.catalog.productByAppId(id);
      if (product) rows.push({ id, product });
    }
    return rows;
  },
  id: (row) => row.id,
  // The app's name and bundle id are the product's; the rest lives only in App Store Connect.
  attributes: (row) => ({ name: row.product.name, bundleId: row.product.bundle_id }),
  relations: {
    ciProduct: { kind: 'toOne', id: (row) => row.product.id },
  },
};

export const builds: ResourceDefinition<BuildRow> = {
  type: 'builds',
  load: (ids, ctx) => ctx.store.runs.builds(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    version: row.version,
    uploadedDate: row.uploaded_date,
    // Nothing is sent to TestFlight, so nothing expires.
    expirationDate: null,
    expired: false,
    processingState: row.processing_state,
    buildAudienceType: row.audience,
  }),
  relations: {
    app: { kind: 'toOne', id: (row) => row.app_id },
  },
};
