import type { ProductRow } from '../../store/catalog-repository.ts';
import { emptyPage, type ResourceDefinition } from '../jsonapi/resource-definition.ts';

export const ciProducts: ResourceDefinition<ProductRow> = {
  type: 'ciProducts',
  load: (ids, ctx) => ctx.store.catalog.products(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    name: row.name,
    createdDate: row.created_at,
    productType: row.product_type,
  }),
  relations: {
    // Products here are declared in configuration, not detected from an App Store app.
    app: { kind: 'toOne', id: () => null },
    bundleId: { kind: 'toOne', id: () => null },
    workflows: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.catalog.listWorkflows(row.id, req),
    },
    primaryRepositories: {
      kind: 'toMany',
      page: (row, req, ctx) =>
        ctx.store.catalog.listProductRepositories(
          row.id,
          'PRIMARY',
          { ids: req.filters.get('id') },
          req,
        ),
    },
    additionalRepositories: {
      kind: 'toMany',
      page: (row, req, ctx) =>
        ctx.store.catalog.listProductRepositories(
          row.id,
          'ADDITIONAL',
          { ids: req.filters.get('id') },
          req,
        ),
    },
    buildRuns: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.runs.listRuns({ productId: row.id }, req.descending, req),
    },
  },
  list: (req, ctx) => {
    // filter[app] names App Store apps, which no product here is linked to.
    if (req.filters.has('app')) return emptyPage();
    return ctx.store.catalog.listProducts({ productType: req.filters.get('productType') }, req);
  },
};
