import { describe, expect, it } from "vitest";
import { testSettings } from "../../../../test/fixtures/signa.ts";
import { noteTexts } from "../../../util/note.ts";
import { mmToPt, type RectPt } from "../inspect/geometry.ts";
import {
  bureauFromFileName,
  type IdentifyPage,
  identify,
  nameWithoutBureau,
  orderFromFileName,
  stripExtension,
} from "./index.ts";

const settings = testSettings();
const rectMm = (x0: number, y0: number, x1: number, y1: number): RectPt =>
  [x0, y0, x1, y1].map(mmToPt) as RectPt;
const PLATE = rectMm(0, 0, 1030, 770);
const CMYK = ["Cyan", "Magenta", "Yellow", "Black"];

function page(o: Partial<IdentifyPage> = {}): IdentifyPage {
  return { page: 1, mediaBox: PLATE, trimBox: null, colorants: CMYK, marks: [], contentBoxPt: null, ...o };
}
const three = (bureau = "Leonov", press = "Speedmaster", paper = "900.0 x 640.0") => [
  { creationName: "Outputter", text: `Выведено: ${bureau}` },
  { creationName: "Machine", text: `Машина: ${press}` },
  { creationName: "Paper", text: `Бумага: ${paper}` },
];
function run(
  pages: IdentifyPage[],
  fileName = "0537_Technoyug_Flier.pdf",
  extra: Record<string, unknown> = {},
) {
  const s = extra.settings ? (extra.settings as typeof settings) : settings;
  return identify({
    fileName,
    pages,
    presses: s.presses,
    bureaus: s.bureaus,
    marks: s.analysis.marks,
    defaultBureau: extra.defaultBureau as string | undefined,
  });
}
const near = (a: number[] | null | undefined, b: number[]) => {
  expect(a).not.toBeNull();
  b.forEach((v, i) => {
    expect(a?.[i]).toBeCloseTo(v, 2);
  });
};

describe("identify: press", () => {
  it("takes the press from the Machine mark", () => {
    const r = run([page({ marks: three() })]);
    expect(r.sheets[0]).toMatchObject({ press: "Speedmaster", pressBy: "mark", plateMm: [1030, 770] });
    expect(noteTexts(r.warnings)).toEqual([]);
  });

  it("finds a configured press as a word in any mark, whatever the mark is called", () => {
    const r = run([
      page({
        mediaBox: rectMm(0, 0, 740, 575),
        marks: [{ creationName: "Info 3", text: "Job 12 / dominant / 2 sheets" }],
      }),
    ]);
    expect(r.sheets[0]).toMatchObject({ press: "Dominant", pressBy: "mark" });
  });

  it("reads the press from both tes_Outputter forms", () => {
    for (const text of [
      "Выведено: Vonoel     Planeta 900.0 x 640.0",
      "Выведено: Vonoel     tes / Planeta 900,0 x 640,0",
    ]) {
      const r = run([page({ marks: [{ creationName: "tes_Outputter", text }] })]);
      expect(r.sheets[0]).toMatchObject({ press: "Planeta", pressBy: "mark" });
    }
  });

  it("does not take a press from a word that only contains its name", () => {
    const r = run([
      page({
        mediaBox: rectMm(0, 0, 500, 400),
        marks: [{ creationName: "Info", text: "Planetary Science" }],
      }),
    ]);
    expect(r.sheets[0].press).toBeNull();
  });

  it("falls back to the plate size in either orientation within 1 mm", () => {
    expect(run([page({ mediaBox: rectMm(0, 0, 1010.8, 819.4) })]).sheets[0]).toMatchObject({
      press: "Planeta",
      pressBy: "plate-size",
    });
    expect(run([page({ mediaBox: rectMm(0, 0, 575, 740) })]).sheets[0]).toMatchObject({ press: "Dominant" });
    expect(run([page({ mediaBox: rectMm(0, 0, 1012, 820) })]).sheets[0].press).toBeNull();
  });

  it("lets priority decide between presses with the same plate, and says so", () => {
    const s = testSettings({
      presses: [
        { name: "Speedmaster", plateWidthMm: 1030, plateHeightMm: 770, priority: 1 },
        { name: "Speedmaster-2", plateWidthMm: 770, plateHeightMm: 1030, priority: 5 },
      ],
    });
    const r = run([page()], "x.pdf", { settings: s });
    expect(r.sheets[0]).toMatchObject({ press: "Speedmaster-2", pressBy: "plate-size" });
    expect(noteTexts(r.warnings).join("\n")).toMatch(/several presses.*Speedmaster-2.*higher priority/);
    const tie = testSettings({
      presses: [
        { name: "A", plateWidthMm: 1030, plateHeightMm: 770 },
        { name: "B", plateWidthMm: 1030, plateHeightMm: 770 },
      ],
    });
    const t = run([page()], "x.pdf", { settings: tie });
    expect(t.sheets[0].press).toBe("A");
    expect(noteTexts(t.warnings).join("\n")).toMatch(/equal priority/);
  });

  it("warns once for a missing press and names an unknown press from the marks", () => {
    const pages = [1, 2, 3].map((n) =>
      page({ page: n, mediaBox: rectMm(0, 0, 500, 400), marks: three("Leonov", "Heidelberg") }),
    );
    const r = run(pages);
    expect(r.sheets.every((s) => s.press === null && s.pressBy === null)).toBe(true);
    const w = noteTexts(r.warnings).filter((x) => /press/.test(x));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^All pages: the marks name the press "Heidelberg", which is not configured/);
    const none = noteTexts(run([page({ mediaBox: rectMm(0, 0, 500, 400) })]).warnings).filter((x) =>
      /press/.test(x),
    );
    expect(none).toEqual([expect.stringMatching(/^Page 1: no press found.*500×400/)]);
  });

  it("uses regexes from the settings instead of the defaults", () => {
    const s = testSettings({
      presses: [{ name: "SM-74", plateWidthMm: 605, plateHeightMm: 745 }],
      analysis: { marks: { press: ["Press=(?<press>\\S+)"], paper: ["Sheet (?<w>\\d+)/(?<h>\\d+)"] } },
    });
    const r = run(
      [
        page({
          mediaBox: rectMm(0, 0, 500, 400),
          marks: [{ creationName: "M", text: "Press=sm-74 Sheet 480/330" }],
        }),
      ],
      "x.pdf",
      {
        settings: s,
      },
    );
    expect(r.sheets[0]).toMatchObject({
      press: "SM-74",
      pressBy: "mark",
      paperMm: [480, 330],
      paperBy: "mark",
    });
  });

  it("warns about a settings pattern that is not a regex and carries on", () => {
    // The settings schema refuses such a pattern; identify must still survive one that got past it.
    expect(() => testSettings({ analysis: { marks: { press: ["(unclosed"] } } })).toThrow(
      /regular expression/,
    );
    const s = testSettings();
    s.analysis.marks = { press: ["(unclosed"], bureau: [], paper: [] };
    const r = run([page({ marks: three() })], "x.pdf", { settings: s });
    expect(r.sheets[0].press).toBe("Speedmaster");
    expect(noteTexts(r.warnings).join()).toMatch(/not a valid regex/);
  });
});

describe("identify: paper", () => {
  it("reads the paper mark and places it on the plate by the press's gripper", () => {
    const r = run([page({ marks: three() })]);
    expect(r.sheets[0]).toMatchObject({ paperMm: [900, 640], paperBy: "mark" });
    // x0 = (1030 − 900)/2 = 65 mm, y0 = gripper 40 mm
    near(r.sheets[0].paperRectPt ?? null, [65, 40, 965, 680].map(mmToPt));
  });

  it("accepts comma decimals and offsets from a MediaBox not at the origin", () => {
    const media: RectPt = [100, -50, 100 + mmToPt(1030), -50 + mmToPt(770)];
    const r = run([page({ mediaBox: media, marks: three("Leonov", "Speedmaster", "900,5 x 640,0") })]);
    expect(r.sheets[0].paperMm).toEqual([900.5, 640]);
    near(r.sheets[0].paperRectPt ?? null, [
      100 + mmToPt(64.75),
      -50 + mmToPt(40),
      100 + mmToPt(965.25),
      -50 + mmToPt(680),
    ]);
  });

  it("centres the paper vertically when the press is unknown, with a warning", () => {
    const r = run([
      page({
        mediaBox: rectMm(0, 0, 1000, 700),
        marks: [{ creationName: "Paper", text: "Бумага: 900 x 600" }],
      }),
    ]);
    expect(r.sheets[0].press).toBeNull();
    near(r.sheets[0].paperRectPt ?? null, [50, 50, 950, 650].map(mmToPt));
    expect(noteTexts(r.warnings).join()).toMatch(/centred/);
  });

  it("ignores a W x H in a mark that cannot fit on the plate", () => {
    const r = run([page({ marks: [{ creationName: "Info", text: "Format 1200 x 900" }] })]);
    expect(r.sheets[0].paperBy).toBeNull();
  });

  it("uses the TrimBox when it is smaller than the MediaBox", () => {
    const trim = rectMm(65, 40, 965, 680);
    const r = run([page({ trimBox: trim })]);
    expect(r.sheets[0]).toMatchObject({ paperMm: [900, 640], paperBy: "trim-box" });
    near(r.sheets[0].paperRectPt, trim);
    expect(run([page({ trimBox: PLATE })]).sheets[0].paperBy).toBeNull();
  });

  it("prefers the mark over the TrimBox, and the TrimBox over the content", () => {
    const r = run([
      page({
        marks: three("Leonov", "Speedmaster", "1000 x 700"),
        trimBox: rectMm(65, 40, 965, 680),
        contentBoxPt: rectMm(1, 1, 2, 2),
      }),
    ]);
    expect(r.sheets[0].paperBy).toBe("mark");
    expect(
      run([page({ trimBox: rectMm(65, 40, 965, 680), contentBoxPt: rectMm(1, 1, 2, 2) })]).sheets[0].paperBy,
    ).toBe("trim-box");
  });

  it("falls back to the content box, asking for it when it was not measured", () => {
    const unmeasured = run([page({ contentBoxPt: undefined })]);
    expect(unmeasured.needContentBox).toEqual([1]);
    const box = rectMm(70, 45, 960, 675);
    const r = run([page({ contentBoxPt: box })]);
    expect(r.needContentBox).toEqual([]);
    expect(r.sheets[0]).toMatchObject({ paperMm: [890, 630], paperBy: "content" });
    near(r.sheets[0].paperRectPt, box);
  });

  it("warns once when no paper is found", () => {
    const r = run([
      page({ page: 1 }),
      page({ page: 2, trimBox: rectMm(65, 40, 965, 680) }),
      page({ page: 3 }),
    ]);
    const w = noteTexts(r.warnings).filter((x) => /no paper/.test(x));
    expect(w).toEqual([expect.stringMatching(/^Pages 1, 3: no paper/)]);
  });
});

describe("identify: bureau, order, plates", () => {
  it("takes the bureau from the Outputter mark", () => {
    const r = run([page({ marks: three("korol") })], "0537_Job_Leonov.pdf");
    expect(r).toMatchObject({ bureau: "Korol", bureauBy: "mark" });
  });

  it("falls back to a file-name token, then to the hot folder's bureau", () => {
    expect(run([page()], "0537_Technoyug_Flier_leonov.pdf")).toMatchObject({
      bureau: "Leonov",
      bureauBy: "file-name",
    });
    expect(run([page()], "0537_Technoyug_Flier.pdf", { defaultBureau: "vonoel" })).toMatchObject({
      bureau: "Vonoel",
      bureauBy: "hot-folder",
    });
  });

  it("warns when a mark names an unknown bureau and the file name decides", () => {
    const r = run([page({ marks: three("Printhouse") })], "0537_Job_Leonov.pdf");
    expect(r).toMatchObject({ bureau: "Leonov", bureauBy: "file-name" });
    expect(noteTexts(r.warnings).filter((w) => /bureau/.test(w))).toEqual([
      expect.stringMatching(/Printhouse.*Leonov/),
    ]);
  });

  it("does not take a bureau from part of a token", () => {
    expect(bureauFromFileName("0537_Leonovich_Flier.pdf", ["Leonov"])).toBeNull();
    expect(bureauFromFileName("0537 Leonov Flier.pdf", ["Leonov"])).toBeNull();
  });

  it("warns when no bureau is found, naming an unknown one from the marks", () => {
    const r = run([page({ marks: three("Printhouse") })], "0537_Job.pdf");
    expect(r).toMatchObject({ bureau: null, bureauBy: null });
    expect(noteTexts(r.warnings).filter((w) => /bureau/.test(w))).toEqual([
      expect.stringMatching(/Printhouse/),
    ]);
  });

  it("splits order number and order name off the file name", () => {
    const b = ["Leonov", "Korol"];
    expect(orderFromFileName("0537_Technoyug_Flier_Leonov.pdf", b)).toEqual({
      order: "0537",
      orderName: "Technoyug_Flier",
    });
    expect(orderFromFileName("0537-Календарь «Весна» $(x) `y`_korol.PDF", b)).toEqual({
      order: "0537",
      orderName: "Календарь «Весна» $(x) `y`",
    });
    expect(orderFromFileName("Flier_Leonov.pdf", b)).toEqual({ order: null, orderName: "Flier" });
    expect(orderFromFileName("0537_Leonov.pdf", b)).toEqual({ order: "0537", orderName: null });
  });

  it("counts plates as the sum of colorants over pages", () => {
    const r = run([
      page({ colorants: [...CMYK, "PANTONE 185 C"] }),
      page({ page: 2, colorants: ["Black"] }),
      page({ page: 3, colorants: null }),
    ]);
    expect(r.plates).toBe(6);
    expect(r.sheets[2].colorants).toEqual([]);
  });

  it("matches the contract example", () => {
    const r = run(
      [
        page({
          marks: [
            { creationName: "Machine", text: "Машина: Speedmaster" },
            { creationName: "Outputter", text: "Выведено: Leonov" },
            { creationName: "Paper", text: "Бумага: 900.0 x 640.0" },
          ],
        }),
        page({ page: 2, colorants: ["Cyan", "Magenta", "Black"], marks: three() }),
      ],
      "0537_Technoyug_Flier_Leonov.pdf",
    );
    expect(r).toMatchObject({
      plates: 7,
      bureau: "Leonov",
      bureauBy: "mark",
      order: "0537",
      orderName: "Technoyug_Flier",
      warnings: [],
    });
    expect(r.sheets[0]).toMatchObject({
      page: 1,
      press: "Speedmaster",
      pressBy: "mark",
      plateMm: [1030, 770],
      paperMm: [900, 640],
      paperBy: "mark",
      colorants: CMYK,
    });
  });
});

describe("identify: names inside names", () => {
  const nested = testSettings({
    presses: [
      { name: "Rapida", plateWidthMm: 1030, plateHeightMm: 770 },
      { name: "Rapida 106", plateWidthMm: 1030, plateHeightMm: 770 },
      { name: "GTO", plateWidthMm: 510, plateHeightMm: 400 },
      { name: "GTO 52 Zp", plateWidthMm: 510, plateHeightMm: 400 },
    ],
    bureaus: [{ name: "Print" }, { name: "Print Lab" }, { name: "Лаб" }],
  });
  const on = (marks: IdentifyPage["marks"], fileName = "12_Job.pdf") =>
    run([page({ marks })], fileName, { settings: nested });

  it("reads the longest configured press that the mark names whole, in every dialect", () => {
    const cases: [string, string][] = [
      ["Машина: Rapida 106", "Rapida 106"],
      ["Machine:Rapida\u00a0\t106", "Rapida 106"],
      ["Машина: rapida", "Rapida"],
      ["Press: GTO 52 ZP / 2 sheets", "GTO 52 Zp"],
      ["Presse: GTO; 4/0", "GTO"],
      ["Выведено: Print     Rapida 106 700 x 500", "Rapida 106"],
      ["Выведено: Print     tes / Rapida 700,0 x 500,0", "Rapida"],
    ];
    for (const [text, press] of cases) {
      const r = on([{ creationName: "Machine", text: text.normalize("NFD") }]);
      expect([text, r.sheets[0].press, r.sheets[0].pressBy]).toEqual([text, press, "mark"]);
    }
  });

  it("says so when the mark names a press that is not configured, and guesses none from the plate", () => {
    for (const text of [
      "Машина: Rapida 105",
      "Машина: GTO 52",
      "Выведено: Print     tes / Rapida 75 700 x 500",
    ]) {
      const r = on([{ creationName: "Machine", text }]);
      expect(r.sheets[0]).toMatchObject({ press: null, pressBy: null });
      const read = text.includes("tes") ? "Rapida 75" : text.slice("Машина: ".length);
      expect(noteTexts(r.warnings)).toContainEqual(
        expect.stringContaining(`the marks name the press "${read}"`),
      );
    }
  });

  it("takes the longest name among words in unlabelled marks", () => {
    const r = on([{ creationName: "Info", text: "job 5 on rapida 106, 2 sheets" }]);
    expect(r.sheets[0]).toMatchObject({ press: "Rapida 106", pressBy: "mark" });
    expect(noteTexts(r.warnings)).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/several presses/)]),
    );
  });

  it("reads the longest bureau in both mark dialects, and an unknown one as not configured", () => {
    expect(on([{ creationName: "Outputter", text: "Выведено: Print Lab" }])).toMatchObject({
      bureau: "Print Lab",
      bureauBy: "mark",
    });
    expect(on([{ creationName: "Outputter", text: "Выведено: PRINT" }]).bureau).toBe("Print");
    expect(on([{ creationName: "tes", text: "Выведено: Print Lab     GTO 450 x 320" }]).bureau).toBe(
      "Print Lab",
    );
    const unknown = on([{ creationName: "Outputter", text: "Выведено: Print Labs" }], "12_Job.pdf");
    expect(unknown.bureau).toBeNull();
    expect(noteTexts(unknown.warnings)).toContainEqual(
      expect.stringMatching(/name Print Labs, which is not a configured/),
    );
  });
});

describe("identify: file names as clients write them", () => {
  const s = testSettings({
    bureaus: [{ name: "ПринтПойнт" }, { name: "Йорк_Плейт" }, { name: "Korol" }],
  });
  const names = s.bureaus.map((b) => b.name);

  it("finds a bureau in an NFD name and cleans the order name", () => {
    for (const [file, bureau, order, orderName] of [
      ["0412_Буклет_ПринтПойнт.pdf", "ПринтПойнт", "0412", "Буклет"],
      ["0413_Листовка_йорк_плейт.pdf", "Йорк_Плейт", "0413", "Листовка"],
      ["Меню кафе_ПРИНТПОЙНТ.PDF", "ПринтПойнт", null, "Меню кафе"],
    ] as const) {
      const r = run([page()], file.normalize("NFD"), { settings: s });
      expect([file, r.bureau, r.bureauBy, r.order, r.orderName]).toEqual([
        file,
        bureau,
        "file-name",
        order,
        orderName,
      ]);
    }
  });

  it("reads tokens without every trailing .pdf, in any case", () => {
    for (const file of [
      "0512_Flyer_A6_Korol.pdf.pdf",
      "0512_Flyer_A6_KOROL.PDF",
      "0512_Flyer_A6_Korol.Pdf.PDF ",
    ]) {
      expect(orderFromFileName(file, names)).toEqual({ order: "0512", orderName: "Flyer_A6" });
      expect(bureauFromFileName(file, names)).toBe("Korol");
    }
    expect(stripExtension("Flyer.pdf.pdf")).toBe("Flyer");
    expect(stripExtension("Flyer.indd")).toBe("Flyer");
    expect(stripExtension(".pdf")).toBe("");
  });

  it("keeps the client's characters in the name without the bureau", () => {
    const file = "0412_Буклет_ПринтПойнт.pdf.pdf".normalize("NFD");
    expect(nameWithoutBureau(file, names)).toBe("0412_Буклет".normalize("NFD"));
    expect(nameWithoutBureau("Korol.pdf", names)).toBe("Korol");
  });
});

describe("identify: one frame for plate, paper and positions", () => {
  // The plain sheet: a 1030×770 plate, paper 900×640 at x 65..965, y 40..680 (gripper 40 mm).
  const plainRectMm = [65, 40, 965, 680];
  // The same paper in page space, worked out by hand for each /Rotate (the displayed bottom is the
  // gripper edge: the page's right edge for 90, its top for 180, its left for 270).
  const turned: [number, [number, number], number[]][] = [
    [0, [1030, 770], [65, 40, 965, 680]],
    [90, [770, 1030], [90, 65, 730, 965]],
    [180, [1030, 770], [65, 90, 965, 730]],
    [270, [770, 1030], [40, 65, 680, 965]],
    [-90, [770, 1030], [40, 65, 680, 965]],
    [450, [770, 1030], [90, 65, 730, 965]],
  ];

  it.each(turned)(
    "reads a /Rotate %i page as the plain one, by TrimBox and by mark",
    (rotate, [w, h], trim) => {
      for (const [dx, dy, margin] of [
        [0, 0, 0],
        [-300, 120.5, 0],
        [50, -40, 12],
      ]) {
        const crop = rectMm(dx, dy, dx + w, dy + h);
        const media = rectMm(dx - margin, dy - margin, dx + w + margin, dy + h + 2 * margin);
        const trimPt = rectMm(dx + trim[0], dy + trim[1], dx + trim[2], dy + trim[3]);
        const base = { mediaBox: media, cropBox: margin ? crop : null, rotate };
        const byTrim = run([page({ ...base, trimBox: trimPt })]).sheets[0];
        expect(byTrim).toMatchObject({ plateMm: [1030, 770], paperMm: [900, 640], paperBy: "trim-box" });
        expect(byTrim.paperRectMm).toEqual(plainRectMm);
        const byMark = run([page({ ...base, marks: three() })]).sheets[0];
        expect(byMark).toMatchObject({ press: "Speedmaster", plateMm: [1030, 770], paperMm: [900, 640] });
        expect(byMark.paperRectMm).toEqual(plainRectMm);
        near(byMark.paperRectPt, trimPt);
        const byContent = run([page({ ...base, contentBoxPt: trimPt })]).sheets[0];
        expect(byContent).toMatchObject({
          paperMm: [900, 640],
          paperBy: "content",
          paperRectMm: plainRectMm,
        });
      }
    },
  );

  it("turns a portrait page without /Rotate so the long side runs along the gripper edge", () => {
    const r = run([page({ mediaBox: rectMm(0, 0, 770, 1030), marks: three() })]).sheets[0];
    expect(r).toMatchObject({ plateMm: [1030, 770], paperMm: [900, 640], paperRectMm: plainRectMm });
    near(r.paperRectPt, [90, 65, 730, 965].map(mmToPt));
  });

  it("takes the press by the plate the CropBox shows, and leaves paint beyond it off the paper", () => {
    const media = rectMm(-20, -20, 1050, 790);
    const r = run([page({ mediaBox: media, cropBox: PLATE, contentBoxPt: rectMm(-15, 100, 900, 700) })]);
    expect(r.sheets[0]).toMatchObject({ press: "Speedmaster", pressBy: "plate-size", plateMm: [1030, 770] });
    expect(r.sheets[0]).toMatchObject({ paperMm: [900, 600], paperRectMm: [0, 100, 900, 700] });
  });

  it("reads a paper mark written height first in the plate's frame", () => {
    const r = run([page({ marks: three("Leonov", "Speedmaster", "640 x 900") })]).sheets[0];
    expect(r).toMatchObject({ paperMm: [900, 640], paperRectMm: plainRectMm });
  });
});
