import type { ProductRow } from '../../store/catalog-repository.ts';
import { type ResourceDefinition } from '../jsonapi/resource-definition.ts';

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
    // The app the products file names (appId); none when it names none.
    app: { kind: 'toOne', id: (row) => row.app_id },
    // Bundle id resources are Apple's records of registered identifiers; none exist here.
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
  list: (req, ctx) =>
    ctx.store.catalog.listProducts(
      { productType: req.filters.get('productType'), appIds: req.filters.get('app') },
      req,
    ),
};
