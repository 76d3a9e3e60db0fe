/** Lazy iteration over a paged JSON:API list, following `links.next`. */
import { AscClientError } from './asc-client-error.ts';

/**
 * A list document as the contract shapes it: `data`, and `links.next` while more remain.
 *
 * @example
 * const page: ListDocument<CiProduct> = { data: [], links: { next: null } };
 */
export interface ListDocument<R> {
  data: R[];
  links?: { next?: string | null } | null;
}

/**
 * A paged list that fetches nothing until iterated, then one page at a time
 * (JSON:API §Pagination: the `next` link until there is none). Iterate it
 * for resources, `pages()` for whole documents (with `included` and `meta`),
 * or `all()` to collect every resource.
 *
 * @example
 * for await (const run of client.listBuildRuns({ workflowId }, { sort: '-number' })) {
 *   if (run.attributes?.completionStatus === 'SUCCEEDED') break; // stops fetching
 * }
 */
export class Paged<R, D extends ListDocument<R> = ListDocument<R>> implements AsyncIterable<R> {
  readonly #first: URL;
  readonly #fetchPage: (url: URL) => Promise<D>;
  readonly #follow: (link: string) => URL;

  constructor(first: URL, fetchPage: (url: URL) => Promise<D>, follow: (link: string) => URL) {
    this.#first = first;
    this.#fetchPage = fetchPage;
    this.#follow = follow;
  }

  /**
   * Each page's document in order.
   *
   * @example
   * for await (const page of client.listProducts().pages()) console.log(page.meta?.paging);
   */
  async *pages(): AsyncGenerator<D, void, undefined> {
    let url: URL | null = this.#first;
    const seen = new Set<string>();
    while (url) {
      // A server that hands back a link already followed would loop forever.
      if (seen.has(url.href)) {
        throw new AscClientError(`the server's next link repeats: ${url.href}`);
      }
      seen.add(url.href);
      const page: D = await this.#fetchPage(url);
      yield page;
      const next = page.links?.next;
      url = next ? this.#follow(next) : null;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<R, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /**
   * Every resource of every page.
   *
   * @example
   * const products = await client.listProducts().all();
   */
  async all(): Promise<R[]> {
    const items: R[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}
