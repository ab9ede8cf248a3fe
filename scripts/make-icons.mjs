#!/usr/bin/env node
// Draws Coffer's app and tray icons as PNGs with no dependencies (a tiny PNG encoder over node:zlib),
// so the icons are reproducible and nothing is downloaded. Run: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
/** rgba: Uint8Array of size*size*4, straight alpha. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes as signed distances in unit coordinates (0..1); negative is inside.
const roundRect = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;

/** layers: [{ sdf(x,y) -> distance, color: [r,g,b] }], painted in order with 1-pixel anti-aliasing. */
function draw(size, layers) {
  const px = new Uint8Array(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) / size;
      const y = (j + 0.5) / size;
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const { sdf, color } of layers) {
        const cover = Math.min(1, Math.max(0, 0.5 - sdf(x, y) * size));
        if (cover === 0) continue;
        const outA = cover + a * (1 - cover);
        r = (color[0] * cover + r * a * (1 - cover)) / outA;
        g = (color[1] * cover + g * a * (1 - cover)) / outA;
        b = (color[2] * cover + b * a * (1 - cover)) / outA;
        a = outA;
      }
      px.set([Math.round(r), Math.round(g), Math.round(b), Math.round(a * 255)], (j * size + i) * 4);
    }
  }
  return encodePng(size, px);
}

// The coffer: a chest body, a lid seam and a keyhole.
function cofferLayers(body) {
  const cut = [255, 255, 255];
  return [
    { sdf: (x, y) => roundRect(x, y, 0.5, 0.54, 0.4, 0.32, 0.08), color: body },
    { sdf: (x, y) => roundRect(x, y, 0.5, 0.4, 0.4, 0.018, 0), color: cut },
    { sdf: (x, y) => circle(x, y, 0.5, 0.56, 0.065), color: cut },
    { sdf: (x, y) => roundRect(x, y, 0.5, 0.65, 0.025, 0.07, 0.01), color: cut },
  ];
}
// Tray: the coffer in a neutral colour, with a status dot (syncing blue, error red).
function trayLayers(dot) {
  const layers = cofferLayers([90, 96, 110]);
  if (dot) {
    layers.push({ sdf: (x, y) => circle(x, y, 0.78, 0.24, 0.21), color: [255, 255, 255] });
    layers.push({ sdf: (x, y) => circle(x, y, 0.78, 0.24, 0.16), color: dot });
  }
  return layers;
}

const outputs = [
  ['assets/icon.png', 512, cofferLayers([31, 95, 191])],
  ['assets/icon-256.png', 256, cofferLayers([31, 95, 191])],
  ['src-renderer/public/icon.png', 64, cofferLayers([31, 95, 191])],
];
for (const [name, dot] of [['idle', null], ['syncing', [31, 95, 191]], ['error', [179, 38, 30]]]) {
  outputs.push([`assets/tray-${name}.png`, 16, trayLayers(dot)]);
  outputs.push([`assets/tray-${name}@2x.png`, 32, trayLayers(dot)]);
}
for (const [rel, size, layers] of outputs) {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, draw(size, layers));
  console.log(`wrote ${rel} (${size}x${size})`);
}
