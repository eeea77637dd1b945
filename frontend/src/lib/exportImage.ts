/** Nodes marked data-export-ignore (buttons, menus) are left out of pictures. */
function keep(node: HTMLElement): boolean {
  return !(node instanceof HTMLElement && node.dataset.exportIgnore !== undefined);
}

/** A PNG data URL of an element, drawn by html-to-image (which, unlike html2canvas,
 * understands Tailwind v4's oklch colours); the library is loaded on first use. */
export async function exportImage(node: HTMLElement, pixelRatio = 2): Promise<string> {
  const { toPng } = await import("html-to-image");
  return toPng(node, { backgroundColor: "#ffffff", pixelRatio, filter: keep, cacheBust: false });
}
