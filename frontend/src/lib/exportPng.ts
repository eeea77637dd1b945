import { downloadDataUrl } from "./downloadDataUrl";
import { exportImage } from "./exportImage";

/** Downloads a picture of a chart or panel as PNG. */
export async function exportPng(node: HTMLElement, filename: string): Promise<void> {
  downloadDataUrl(await exportImage(node), filename.endsWith(".png") ? filename : `${filename}.png`);
}
