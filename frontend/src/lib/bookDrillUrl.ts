/** A book's drill-down: the Top books page searching its title, in the same period and
 * region/genre filters. top-books is the only per-book question the API answers, and it
 * filters by title or author text, so the title is the book's filter. */
export function bookDrillUrl(title: string, current: URLSearchParams): string {
  const next = new URLSearchParams();
  for (const name of ["preset", "start", "end", "region", "genre"]) {
    const value = current.get(name);
    if (value) next.set(name, value);
  }
  next.set("search", title.slice(0, 100));
  return `/books?${next.toString()}`;
}
