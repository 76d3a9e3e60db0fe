/** Xcode and macOS versions, as build machines reported them (ToolchainRepository). */
import type { MacOsVersionRow, XcodeVersionRow } from '../../store/toolchain-repository.ts';
import type { ResourceDefinition } from '../jsonapi/resource-definition.ts';

export const ciXcodeVersions: ResourceDefinition<XcodeVersionRow> = {
  type: 'ciXcodeVersions',
  load: (ids, ctx) => ctx.store.toolchain.xcodeVersions(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    version: row.id,
    name: row.name,
    testDestinations: JSON.parse(row.test_destinations),
  }),
  relations: {
    macOsVersions: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.toolchain.listMacOsVersions(row.id, req),
    },
  },
  list: (req, ctx) => ctx.store.toolchain.listXcodeVersions(null, req),
};

export const ciMacOsVersions: ResourceDefinition<MacOsVersionRow> = {
  type: 'ciMacOsVersions',
  load: (ids, ctx) => ctx.store.toolchain.macOsVersions(ids),
  id: (row) => row.id,
  attributes: (row) => ({ version: row.id, name: row.name }),
  relations: {
    xcodeVersions: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.toolchain.listXcodeVersions(row.id, req),
    },
  },
  list: (req, ctx) => ctx.store.toolchain.listMacOsVersions(null, req),
};
