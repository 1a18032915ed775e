/**
 * Plots scaled down for the round gallery, so a run's record stays small in
 * the notebook's metadata: the cells keep the full image.
 */

/** The widest thumbnail kept, in pixels: a gallery card at twice its size. */
const THUMBNAIL_WIDTH = 220;

/**
 * A base64 PNG as a JPEG data URL at most THUMBNAIL_WIDTH wide (a plot's
 * anti-aliased pixels compress poorly as PNG), or null when it cannot be decoded.
 */
export async function plotThumbnail(png: string): Promise<string | null> {
  try {
    const image = new Image();
    image.src = `data:image/png;base64,${png}`;
    await image.decode();
    const scale = Math.min(1, THUMBNAIL_WIDTH / image.naturalWidth);
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
    const context = canvas.getContext('2d');
    if (!context) {
      return null;
    }
    // JPEG has no transparency: a transparent figure goes on white, as in the notebook.
    context.fillStyle = 'white';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/jpeg', 0.8);
  } catch {
    return null;
  }
}
