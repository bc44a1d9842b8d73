import { type Catalog, loadCatalog } from '../alerts/catalog.ts';

/** The project's own alert catalog (docs/errors), as the checker loads it; throws with its diagnostics. */
export async function docsCatalog(): Promise<Catalog> {
  const loaded = await loadCatalog(new URL('../../docs/errors', import.meta.url).pathname);
  if (!loaded.ok) throw new Error(`docs/errors: ${JSON.stringify(loaded.diagnostics)}`);
  return loaded.catalog;
}
