/**
 * The license's verify URL drawn as a QR code, client-side. The encoder (`qrcode-generator`) is
 * imported on demand here, so it is a chunk of its own that only the license page loads; the
 * code is an inline SVG path (no data: URL, no inline style: nothing the CSP refuses). Screen
 * readers get the text alternative, which names the page the code opens.
 */
import { useEffect, useState } from "preact/hooks";

/** Dark modules as one SVG path ("M x y h1 v1 h-1 z" per module), with a 4-module quiet zone. */
interface Drawn {
  size: number;
  path: string;
}

const QUIET = 4;

async function draw(text: string): Promise<Drawn> {
  const { default: qrcode } = await import("qrcode-generator");
  const qr = qrcode(0, "L");
  qr.addData(text, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const parts: string[] = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) parts.push(`M${col + QUIET} ${row + QUIET}h1v1h-1z`);
    }
  }
  return { size: count + 2 * QUIET, path: parts.join("") };
}

export function QrCode({ text, label }: { text: string; label: string }) {
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  useEffect(() => {
    let live = true;
    draw(text).then(
      (value) => {
        if (live) setDrawn(value);
      },
      () => undefined, // offline and the chunk not cached: the verify link below still works
    );
    return () => {
      live = false;
    };
  }, [text]);
  if (drawn === null) return null;
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${drawn.size} ${drawn.size}`}
      shape-rendering="crispEdges"
      xmlns="http://www.w3.org/2000/svg"
    >
      <rect width={drawn.size} height={drawn.size} fill="#fff" />
      <path d={drawn.path} fill="#000" />
    </svg>
  );
}
