/**
 * The browser prompt's timeout: the server's, or the page's own where that is shorter. A page may
 * want its prompt to give up sooner than the handshake expires; never later.
 */
export function shorterTimeout(
  server: number | undefined,
  page: number | undefined,
): number | undefined {
  if (page === undefined) return server;
  if (server === undefined) return page;
  return Math.min(server, page);
}
