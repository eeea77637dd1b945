import { exportImage } from "./exportImage";

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error("The page picture could not be read."));
    image.src = url;
  });
}

/** Downloads the whole page as an A4 PDF: a picture of it (html-to-image) cut into page-high
 * slices (jsPDF). Both libraries are loaded only when an export is asked for. */
export async function exportPdf(node: HTMLElement, title: string, filename: string): Promise<void> {
  const [{ jsPDF }, url] = await Promise.all([import("jspdf"), exportImage(node, 1.5)]);
  const image = await loadImage(url);
  const pdf = new jsPDF({ orientation: "portrait", unit: "pt", format: "a4", compress: true });
  const pageWidth = pdf.internal.pageSize.getWidth();
  const pageHeight = pdf.internal.pageSize.getHeight();
  const margin = 28;
  const header = 22;
  const width = pageWidth - 2 * margin;
  const scale = width / image.width; // points per image pixel
  const sliceHeight = Math.floor((pageHeight - 2 * margin - header) / scale);
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("This browser cannot draw the PDF.");
  for (let top = 0, page = 0; top < image.height; top += sliceHeight, page += 1) {
    const height = Math.min(sliceHeight, image.height - top);
    canvas.height = height;
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, height);
    context.drawImage(image, 0, top, image.width, height, 0, 0, image.width, height);
    if (page > 0) pdf.addPage();
    pdf.setFontSize(9);
    pdf.setTextColor(71, 85, 105);
    pdf.text(`${title} — page ${page + 1}`, margin, margin + 8);
    pdf.addImage(canvas.toDataURL("image/png"), "PNG", margin, margin + header, width, height * scale);
  }
  pdf.save(filename.endsWith(".pdf") ? filename : `${filename}.pdf`);
}
