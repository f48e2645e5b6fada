// English words for what the server sends as notes (src/util/note.ts: code + values) and the advice
// that goes with a refusal code. Keys: `note.<code>`, `advice.<code>`. notes.ru.ts must match.
export const notesEn = {
  "note.scope.all": "All sheets",
  "note.scope.pages": "{pageCount, plural, one {Sheet {pages}} other {Sheets {pages}}}",
  "note.on-page": "Sheet {page}: {what}",

  "note.press.several-marks": "the marks name several presses ({names}); using {chosen}.",
  "note.press.several-plate":
    "the plate size fits several presses ({names}); chose {chosen} by its higher priority.",
  "note.press.several-plate-tie":
    "the plate size fits several presses ({names}); chose {chosen} as the first configured (equal priority: set priorities to decide).",
  "note.press.unknown-mark":
    "the marks name the press “{name}”, which is not configured; no press is guessed from the plate size. Add the press in the settings or fix the Machine mark in Signa.",
  "note.press.none":
    "no press found: no mark names a configured press and the plate size ({plates} mm) matches none. Add the press in the settings or fix the Machine mark in Signa.",
  "note.paper.none":
    "no paper size found (no paper mark, no TrimBox inside the MediaBox, nothing drawn); the preview cannot be cropped to the paper.",
  "note.paper.over-gripper":
    "the paper does not fit above the {press} gripper margin ({gripperMm} mm); placed at the top edge.",
  "note.paper.centred":
    "the press is unknown, so its gripper margin is too: the paper is assumed centred on the plate.",
  "note.marks.bad-pattern": "Ignored mark pattern that is not a valid regular expression: {pattern}",
  "note.bureau.several-marks": "The marks name several bureaus ({names}); using {chosen}.",
  "note.bureau.unknown-mark":
    "The marks name {names}, which is not a configured bureau; the file goes to {chosen} from the file name.",
  "note.bureau.none":
    "No CTP bureau found: neither the marks nor a “_”-separated part of the file name name a configured bureau. Add the bureau to the file name (e.g. 0537_Job_Leonov.pdf) or to the Outputter mark.",
  "note.bureau.none-unknown-mark":
    "No CTP bureau found: the marks name {names}, which is not a configured bureau, and no “_”-separated part of the file name names one. Add the bureau to the file name (e.g. 0537_Job_Leonov.pdf) or to the Outputter mark.",
  "note.signa.resaved":
    "The creator is “{creator}”, not Prinect Signa Station, but the file carries Signa data: it was probably re-saved by another program.",
  "note.signa.not-signa":
    "Not a Prinect Signa Station file (creator “{creator}”): no colorants or marks, so plates are counted from the separations that carry ink and press and paper come from the page geometry.",
  "note.signa.marks-unread": "Sheet {page}: the Signa marks could not be read ({detail}).",
  "note.signa.mark-texts-unread": "The text of some Signa marks could not be read ({detail}).",
  "note.signa.mark-problems": "Problems while reading the Signa marks: {detail}.",
  "note.signa.mark-unsafe": "Sheet {page}: the text of the Signa mark {mark} was not read: {hazard}.",
  "note.content.unsafe": "Sheet {page}: the drawn area was not measured: {hazard}.",
  "note.content.failed": "Sheet {page}: the drawn area could not be measured ({detail}).",
  "note.content.problems": "Sheet {page}: problems while measuring the drawn area: {detail}.",
  "note.hazard.cycle": "{object} draws itself",
  "note.hazard.cycle-through": "{object} draws itself through {through}",
  "note.hazard.many": "it draws more than {max} nested objects",
  "note.hazard.deep": "its forms and patterns are nested more than {max} deep ({chain})",
  "note.pdf.xref-rebuilt":
    "The PDF’s cross-reference table was broken and has been rebuilt; all pages were read.",
  "note.pdf.xref-rebuilt-repaired":
    "The PDF’s cross-reference table was broken and has been rebuilt; all pages were read (repaired: {detail}).",
  "note.pdf.page-repaired": "Sheet {page} was repaired: {detail}.",
  "note.pdf.read-from-copy":
    "MuPDF could not read the file ({detail}); it was read from a copy {tool} rewrote. The original is delivered unchanged; proofs come from the rewritten copy.{drawn, plural, =0 {} one { Ghostscript, as the bureau’s RIP reads it, draws its # page; compare the proofs with the job before the plates are made.} other { Ghostscript, as the bureau’s RIP reads it, draws all # pages; compare the proofs with the job before the plates are made.}}",
  "note.pdf.read-from-copy-lost":
    "MuPDF could not read the file ({detail}); it was read from a copy {tool} rewrote. The original is delivered unchanged; proofs come from the rewritten copy. Signa’s private data (marks, colorant lists) does not survive that rewrite, so the plates could not be counted: check them.{drawn, plural, =0 {} one { Ghostscript, as the bureau’s RIP reads it, draws its # page; compare the proofs with the job before the plates are made.} other { Ghostscript, as the bureau’s RIP reads it, draws all # pages; compare the proofs with the job before the plates are made.}}",
  "note.render.no-ghostscript":
    "Ghostscript is not available: proofs and ink coverage were made with MuPDF without overprint simulation; spot colours are counted in their CMYK equivalents. Install Ghostscript (apt-get install ghostscript).",
  "note.render.gs-page-problem": "Ghostscript reported problems on this sheet: {detail}",
  "note.plates.blank": "plate {ink} on sheet {sheet} is blank: a plate would be paid for nothing",
  "note.plates.missing": "ink {ink} is on sheet {sheet} but Signa makes no plate for it",
  "note.plates.uncounted":
    "plates could not be counted: a page without Signa’s colorant list was not rendered",
  "note.render.zones-need-gs": "ink zones and the CIP3 PPF need Ghostscript’s separations",
  "note.render.zones-unmeasured": "no separation was measured for ink zones",
  "note.render.ppf-failed": "ink zones / PPF: {detail}",
  "note.render.failed": "render failed: {detail}",
  "note.render.page-failed": "not rendered (no {missing}): {detail}",
  "note.preview.gs-problem": "Preview: Ghostscript reported: {detail}",
  "note.preview.not-downsampled": "Preview: images were not downsampled (needs Ghostscript).",
  "note.preview.failed": "Preview not made: {detail}",
  "note.crop.outside": "Sheet {page}: the paper lies outside the page; the whole page is shown.",
  "note.crop.larger": "Sheet {page}: the paper is larger than the page; cropped to the page.",

  "note.reason.detail": "{detail}",
  "note.reason.unreadable-file": "The file could not be read ({detail}).",
  "note.reason.zero-bytes": "The file is empty (0 bytes).",
  "note.reason.file-over-limit": "The file is {mb} MB, over the limit of {limit} MB.",
  "note.reason.not-pdf-head": "The file is not a PDF (it starts with “{head}”).",
  "note.reason.no-pdf-extension": "The file is a PDF but its name “{file}” does not end in .pdf.",
  "note.reason.cut-short": "The PDF is cut short (its end is missing).",
  "note.reason.cannot-open": "The PDF cannot be opened ({detail}).",
  "note.reason.open-password": "The PDF is protected with a password needed to open it.",
  "note.reason.pages-unreadable": "The PDF’s pages cannot be read ({detail}).",
  "note.reason.lost-objects":
    "The PDF is damaged and could not be fully repaired; parts of it are lost: {detail}.",
  "note.reason.not-repaired": "The PDF is damaged and could not be fully repaired.",
  "note.reason.no-pages": "The PDF has no pages.",
  "note.reason.pages-over-limit": "The PDF has {pages} pages, over the limit of {limit} pages.",
  "note.reason.page-over-limit":
    "Sheet {page} is {width} × {height} mm, over the limit of {limit} mm a side.",
  "note.reason.stream-over-limit":
    "{detail}, over the limit of {limit} MB per stream (a damaged or deliberately inflated file).",
  "note.reason.hazard-on-page": "On sheet {page}, {hazard}.",
  "note.reason.reader-fault": "The PDF reader failed inside MuPDF ({detail}).",
  "note.reason.reader-crashed-twice":
    "The PDF reader (MuPDF) failed on this file twice, also in a fresh process ({detail}).",
  "note.reason.too-complex": "The PDF is too complex to read ({detail}).",
  "note.reason.cannot-read": "The PDF cannot be read ({detail}).",
  "note.reason.file-gone": "The file is no longer where it was.",
  "note.reason.duplicate-of": "The same file was already processed as job #{job}.",

  "note.plan.no-target": "{owner, select, bureau {bureau} other {press}} {name} has no delivery target",
  "note.plan.unknown-target":
    "{owner, select, bureau {bureau} other {press}} {name} sends to target “{target}”, which is not configured",
  "note.plan.rule":
    "{owner, select, bureau {bureau} other {press}} {name}: the {rule, select, folder {folder} other {file name}} rule does not work: {detail}",
  "note.plan.no-bureau": "no CTP bureau found (no mark, no file-name token, no hot-folder bureau)",
  "note.plan.unknown-bureau": "bureau “{name}” is not configured",
  "note.plan.no-press": "no press found",
  "note.plan.unknown-press": "press “{name}” is not configured",
  "note.plan.no-preview": "no preview was made",
  "note.plan.no-preview-why": "no preview was made: {detail}",
  "note.plan.import-mode": "import mode: no delivery, no notification",
  "note.plan.nothing": "nothing to deliver",
  "note.plan.bureau": "original → {target}",
  "note.plan.press": "preview → {target}",
  "note.plan.bureau-skipped": "original → {target} (skipped: {reason})",
  "note.plan.press-skipped": "preview → {target} (skipped: {reason})",
  "note.delivery.target-gone": "target “{target}” is no longer configured",
  "note.deliver.bureau":
    "original: {state, select, sent {sent} pending {waiting} failed {failed} skipped {skipped} other {{state}}}",
  "note.deliver.press":
    "preview: {state, select, sent {sent} pending {waiting} failed {failed} skipped {skipped} other {{state}}}",
  "note.analyse.summary":
    "{complects, plural, one {# complect} other {# complects}}, {plates, plural, one {# plate} other {# plates}}, press {press}, bureau {bureau}",
  "note.render.summary":
    "{pages, plural, one {# sheet} other {# sheets}} with {engine} in {ms} ms{lacking, plural, =0 {} other {, # not rendered (sheets {lackingSheets})}}{warnings, plural, =0 {} one {, # warning} other {, # warnings}}",
  "note.intake.summary": "{bytes} bytes, sha256 {sha}",
  "note.archive.path": "{path}",
  "note.rule.unknown-field": "unknown field “{field}” in “{template}”; known fields: {known}",
  "note.rule.bad-template":
    "{problem, select, unclosed {the opening brace at position {at} of “{template}” is never closed} stray-close {the closing brace at position {at} of “{template}” has no opening one (write two for a brace)} other {“{inner}” in “{template}” is not a field name}}",
  "note.rule.bad-format": "field “{field}” has the format “{format}”, but only dates take a format",
  "note.rule.empty-name": "the file name rule produced an empty name (“{name}”)",
  "note.delivery.config": "the target's settings are wrong ({detail})",
  "note.delivery.local-file": "the file to send could not be read here ({detail})",
  "note.delivery.bad-path": "the folder or file name would leave the target's folder ({detail})",
  "note.delivery.connect": "could not connect to the server ({detail})",
  "note.delivery.timeout": "the server did not answer in time ({detail})",
  "note.delivery.tls": "the server's certificate was refused ({detail})",
  "note.delivery.host-key": "the SFTP server's host key is not the pinned one ({detail})",
  "note.delivery.auth": "the server refused the login or password ({detail})",
  "note.delivery.permission": "the server refused the file or folder (permissions) ({detail})",
  "note.delivery.disk-full": "the server's disk is full ({detail})",
  "note.delivery.size-mismatch": "the file on the server has another size than the original ({detail})",
  "note.delivery.aborted": "the transfer was stopped ({detail})",
  "note.delivery.server": "the server refused the file ({detail})",
  "note.setting.missing": "required",
  "note.setting.type":
    "must be {expected, select, number {a number} int {a whole number} string {text} boolean {yes or no} array {a list} object {a section} other {{expected}}}",
  "note.setting.too-small": "must be {inclusive, plural, =0 {more than} other {at least}} {minimum}",
  "note.setting.too-big": "must be {inclusive, plural, =0 {less than} other {at most}} {maximum}",
  "note.setting.too-short": "must have at least {minimum, plural, one {# character} other {# characters}}",
  "note.setting.too-long": "must have at most {maximum, plural, one {# character} other {# characters}}",
  "note.setting.one-of": "must be one of: {values}",
  "note.setting.unknown-field": "unknown field (check its spelling): {keys}",
  "note.setting.format":
    "{field, select, currency {a three-letter ISO 4217 code, e.g. UAH, EUR, USD} other {not in the expected format}}",
  "note.setting.duplicate-name": "a name not used above (names are compared ignoring case)",
  "note.setting.unknown-target":
    "{count, plural, =0 {no target is defined: add a target first} other {must be one of the targets: {targets}}}",
  "note.setting.unknown-bureau":
    "{count, plural, =0 {no bureau is defined: add a bureau first} other {must be one of the bureaus: {bureaus}}}",
  "note.setting.url-scheme": "a URL starting ftp://, ftps://, sftp:// or file://",
  "note.setting.yaml-syntax": "YAML syntax error on line {line} ({detail})",
  "note.setting.empty-document": "the file is empty: a settings document is needed",
  "note.setting.no-presses": "at least one press",
  "note.setting.no-bureaus": "at least one bureau",
  "note.log.step-done": "{step}: {what} ({ms} ms)",
  "note.log.warning": "warning: {what}",
  "note.log.render-warning": "proofs: {what}",
  "note.log.retry": "{step}: {detail} — will retry in {seconds} s",
  "note.log.refused": "{step}: refused ({code}) — {what}",
  "note.log.disk-wait": "{step}: {detail} — waiting for disk space (retries are not spent)",
  "note.log.waiting": "{step}: waiting ({code}) — {detail}",
  "note.log.quarantined": "original moved to quarantine: {name}",
  "note.log.quarantine-failed": "could not quarantine the original: {detail}",
  "note.log.delivered":
    "delivered to {kind, select, press {press} other {bureau}} {target}: {place}{found, select, 1 { (already there after an interrupted try by {holder})} other {}}",
  "note.log.delivery-failed":
    "delivery to {kind, select, press {press} other {bureau}} {target} failed: {what}{again, select, 1 { — next try {next, date}} other {}}",
  "note.log.delivery-interrupted":
    "delivery to {kind, select, press {press} other {bureau}} {target} was interrupted ({holder}); {state, select, missing {the file is not at the destination} short {the file at the destination is short} differs {another file has the same name} other {{state}}} ({got} of {bytes} bytes, checked by {checkedBy}): sending again",
  "note.log.notify-failed": "notification ({channel}) to {recipient} failed: {detail}",
  "note.log.render-repaired": "proofs: made from the copy {by} repaired",
  "note.log.render-lacking":
    "proofs: {count} of {total, plural, one {# sheet} other {# sheets}} not rendered: {sheets}",
  "note.log.sheet-lacks": "sheet {page} has no {missing}",
  "note.render.part":
    "{part, select, proof {proof} thumbnail {thumbnail} inks {ink coverage} other {{part}}}",
  "note.log.render-warnings": "proofs: {count, plural, one {# warning} other {# warnings}} for the journal",
  "note.log.rerun": "re-run by {user}",
  "note.log.bureau-picked": "bureau {bureau} picked by {user}",
  "note.log.remade": "missing outputs remade by {user}",
  "note.log.edited": "edited by {user}: {changes}",
  "note.log.changed":
    "{field, select, press {press} bureau {bureau} money {cost} plate_area_m2 {plate area, m²} other {{field}}} = {value}",
  "note.log.archive-removed": "archived original removed after {days, plural, one {# day} other {# days}}",
  "note.log.quarantine-removed":
    "quarantined original removed ({why, select, age {too old} other {quarantine full}})",
  "note.log.quarantine-notice":
    "quarantined original will be removed after {at, date} ({why, select, age {older than {days, plural, one {# day} other {# days}}} other {quarantine over {mb} MB}})",
  "note.test.ok": "ok",

  "advice.empty":
    "Export the sheet from Signa again and copy it to the hot folder once the export has finished.",
  "advice.not-pdf": "Export the sheet from Signa as PDF and save it with the .pdf extension.",
  "advice.damaged":
    "Export the sheet from Signa again; if it was copied over the network, copy it again and wait until the copy has finished.",
  "advice.encrypted": "Export it again without an open password (document security off) and send it again.",
  "advice.too-large":
    "Export the job as one PDF per sheet (or per side) and send the parts, or ask the administrator to raise the limit.",
  "advice.too-complex": "Simplify or re-export the sheet; if it keeps failing, send it to the administrator.",
  "advice.reader-crash":
    "This is a fault of the PDF reader, not necessarily of the file: send the file and this message to the administrator for a bug report.",
  "advice.duplicate": "Re-run this job to process it again.",
  "advice.missing": "Put the file into the hot folder again.",
} as const;
