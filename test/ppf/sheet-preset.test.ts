// A sheet's preset from rasters made by hand (no Ghostscript): exact zone figures on a raster of
// 1 px per mm, a listed plate without a raster measured empty, or unknown when Ghostscript folded
// spots into CMYK on that page.
import { describe, expect, it } from "vitest";
import { inkZonesSchema } from "../../src/config/settings-schema.ts";
import { RasterAccumulator } from "../../src/ppf/separation-raster.ts";
import { sheetPreset } from "../../src/ppf/sheet-preset.ts";
import { readPpf } from "./ppf-reader.ts";

// 300 × 200 mm paper at 25.4 dpi: one pixel per mm. tiffsep's convention: 0 is solid ink.
function raster(inked: (x: number, y: number) => number) {
  const w = 300;
  const h = 200;
  const buf = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) buf[y * w + x] = 255 - inked(x, y);
  const acc = new RasterAccumulator({ width: w, height: h, samplesPerPixel: 1 }, 25.4, false);
  acc.add(buf.subarray(0, 12345), 12345); // chunks that cut rows anywhere
  acc.add(buf.subarray(12345), buf.length - 12345);
  return acc.result()[0];
}

const zones = inkZonesSchema.parse({ count: 10, widthMm: 30 });
const sheet = {
  paperMm: [300, 200] as [number, number],
  plateMm: [400, 300] as [number, number],
  paperRectMm: [50, 50, 350, 250] as [number, number, number, number],
};

describe("sheet preset", () => {
  it("gives exact zone figures: a solid in zone 2, a 50 % tint over the lower half of zone 9", () => {
    const cyan = raster((x) => (x >= 30 && x < 60 ? 255 : 0));
    const spot = raster((x, y) => (x >= 240 && x < 270 && y >= 100 ? 128 : 0));
    const p = sheetPreset({
      page: 1,
      colorants: ["Cyan", "Spot", "Lack"],
      rasters: new Map([
        ["Cyan", cyan],
        ["Spot", spot],
      ]),
      sheet,
      zones,
      jobName: "j",
    });
    const z = p?.inkZones.separations ?? {};
    expect(z.Cyan).toEqual([0, 100, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(z.Spot?.[8]).toBeCloseTo((128 / 255) * 50, 1);
    expect(z.Spot?.filter((v) => v !== 0)).toHaveLength(1);
    expect(z.Lack).toEqual(new Array(10).fill(0));
    expect(readPpf(p?.ppf as Buffer).separationNames).toEqual(["Cyan", "Spot", "Lack"]);
  });

  it("a 4-channel CMYK composite (ink as 255) gives each channel what one-channel files give", () => {
    const w = 97;
    const h = 61;
    const ink = (x: number, y: number, ch: number) => ((x * (ch + 3) + y * 7 * (ch + 1)) % 256) & 255;
    const cmyk = Buffer.alloc(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) for (let ch = 0; ch < 4; ch++) cmyk[(y * w + x) * 4 + ch] = ink(x, y, ch);
    const four = new RasterAccumulator({ width: w, height: h, samplesPerPixel: 4 }, 72, true);
    // Chunks of whole pixels that cut rows anywhere, as the TIFF reader hands them over.
    for (let o = 0; o < cmyk.length; o += 4 * 37)
      four.add(cmyk.subarray(o, o + 4 * 37), Math.min(4 * 37, cmyk.length - o));
    const got = four.result();
    for (let ch = 0; ch < 4; ch++) {
      const one = Buffer.alloc(w * h);
      for (let i = 0; i < w * h; i++) one[i] = 255 - cmyk[i * 4 + ch];
      const single = new RasterAccumulator({ width: w, height: h, samplesPerPixel: 1 }, 72, false);
      single.add(one, one.length);
      const want = single.result()[0];
      expect(got[ch].grid).toEqual(want.grid);
      expect([...got[ch].columns].map((v) => v.toFixed(6))).toEqual(
        [...want.columns].map((v) => v.toFixed(6)),
      );
      expect([...got[ch].rows].map((v) => v.toFixed(6))).toEqual([...want.rows].map((v) => v.toFixed(6)));
    }
  });

  it("a listed plate without a raster is unknown, not empty, when spots were folded into CMYK", () => {
    const p = sheetPreset({
      page: 1,
      colorants: ["Cyan", "Spot"],
      rasters: new Map([["Cyan", raster(() => 0)]]),
      sheet,
      zones,
      jobName: "j",
      spotsFolded: true,
    });
    expect(p?.inkZones.separations.Spot).toEqual(new Array(10).fill(null));
    expect(p?.inkZones.separations.Cyan).toEqual(new Array(10).fill(0));
  });
});
