// Русские слова для того, что сервер присылает кодами (src/util/note.ts), и советы к кодам отказа.
import type { notesEn } from "./notes.en.ts";

export const notesRu: Record<keyof typeof notesEn, string> = {
  "note.scope.all": "Все листы",
  "note.scope.pages": "{pageCount, plural, one {Лист {pages}} other {Листы {pages}}}",
  "note.on-page": "Лист {page}: {what}",

  "note.press.several-marks": "метки называют несколько машин ({names}); выбрана {chosen}.",
  "note.press.several-plate":
    "размеру пластины подходят несколько машин ({names}); выбрана {chosen} по более высокому приоритету.",
  "note.press.several-plate-tie":
    "размеру пластины подходят несколько машин ({names}); выбрана {chosen} как первая в настройках (приоритеты равны: задайте их).",
  "note.press.unknown-mark":
    "метки называют машину «{name}», которой нет в настройках; по размеру пластины машина не угадывается. Добавьте машину в настройках или исправьте метку Machine в Signa.",
  "note.press.none":
    "машина не найдена: ни одна метка не называет машину из настроек, и размер пластины ({plates} мм) не подходит ни к одной. Добавьте машину в настройках или исправьте метку Machine в Signa.",
  "note.paper.none":
    "размер бумаги не найден (нет метки бумаги, нет TrimBox внутри MediaBox, ничего не нарисовано); превью нельзя обрезать по бумаге.",
  "note.paper.over-gripper":
    "бумага не помещается над клапаном машины {press} ({gripperMm} мм); размещена у верхнего края.",
  "note.paper.centred":
    "машина неизвестна, значит, неизвестен и клапан: бумага считается по центру пластины.",
  "note.marks.bad-pattern": "Шаблон меток пропущен: это не правильное регулярное выражение: {pattern}",
  "note.bureau.several-marks": "Метки называют несколько бюро ({names}); выбрано {chosen}.",
  "note.bureau.unknown-mark":
    "Метки называют {names}, такого бюро нет в настройках; файл уходит в {chosen} по имени файла.",
  "note.bureau.none":
    "Бюро вывода не найдено: ни метки, ни часть имени файла между «_» не называют бюро из настроек. Добавьте бюро в имя файла (например, 0537_Job_Leonov.pdf) или в метку Outputter.",
  "note.bureau.none-unknown-mark":
    "Бюро вывода не найдено: метки называют {names}, такого бюро нет в настройках, и ни одна часть имени файла между «_» не называет бюро. Добавьте бюро в имя файла (например, 0537_Job_Leonov.pdf) или в метку Outputter.",
  "note.signa.resaved":
    "Файл создан в «{creator}», а не в Prinect Signa Station, но содержит данные Signa: вероятно, его пересохранила другая программа.",
  "note.signa.not-signa":
    "Это не файл Prinect Signa Station (создан в «{creator}»): нет списка красок и меток, поэтому пластины считаются по сепарациям с краской, а машина и бумага — по геометрии страницы.",
  "note.signa.marks-unread": "Лист {page}: метки Signa не прочитаны ({detail}).",
  "note.signa.mark-texts-unread": "Текст некоторых меток Signa не прочитан ({detail}).",
  "note.signa.mark-problems": "Ошибки при чтении меток Signa: {detail}.",
  "note.signa.mark-unsafe": "Лист {page}: текст метки Signa {mark} не прочитан: {hazard}.",
  "note.content.unsafe": "Лист {page}: область рисунка не измерена: {hazard}.",
  "note.content.failed": "Лист {page}: область рисунка не удалось измерить ({detail}).",
  "note.content.problems": "Лист {page}: ошибки при измерении области рисунка: {detail}.",
  "note.hazard.cycle": "{object} рисует сам себя",
  "note.hazard.cycle-through": "{object} рисует сам себя через {through}",
  "note.hazard.many": "он рисует больше {max} вложенных объектов",
  "note.hazard.deep": "его формы и узоры вложены глубже {max} уровней ({chain})",
  "note.pdf.xref-rebuilt": "Таблица ссылок PDF была повреждена и восстановлена; все страницы прочитаны.",
  "note.pdf.xref-rebuilt-repaired":
    "Таблица ссылок PDF была повреждена и восстановлена; все страницы прочитаны (исправлено: {detail}).",
  "note.pdf.page-repaired": "Лист {page} исправлен: {detail}.",
  "note.pdf.read-from-copy":
    "MuPDF не смог прочитать файл ({detail}); он прочитан из копии, переписанной {tool}. Оригинал отправляется без изменений; пробы сделаны из копии.{drawn, plural, =0 {} one { Ghostscript (так файл прочтёт RIP бюро) рисует его # страницу; сверьте пробы с заданием, прежде чем делать пластины.} few { Ghostscript (так файл прочтёт RIP бюро) рисует все # страницы; сверьте пробы с заданием, прежде чем делать пластины.} many { Ghostscript (так файл прочтёт RIP бюро) рисует все # страниц; сверьте пробы с заданием, прежде чем делать пластины.} other { Ghostscript (так файл прочтёт RIP бюро) рисует все # страницы; сверьте пробы с заданием, прежде чем делать пластины.}}",
  "note.pdf.read-from-copy-lost":
    "MuPDF не смог прочитать файл ({detail}); он прочитан из копии, переписанной {tool}. Оригинал отправляется без изменений; пробы сделаны из копии. Служебные данные Signa (метки, списки красок) при этом теряются, поэтому пластины не подсчитаны: проверьте их.{drawn, plural, =0 {} one { Ghostscript (так файл прочтёт RIP бюро) рисует его # страницу; сверьте пробы с заданием, прежде чем делать пластины.} few { Ghostscript (так файл прочтёт RIP бюро) рисует все # страницы; сверьте пробы с заданием, прежде чем делать пластины.} many { Ghostscript (так файл прочтёт RIP бюро) рисует все # страниц; сверьте пробы с заданием, прежде чем делать пластины.} other { Ghostscript (так файл прочтёт RIP бюро) рисует все # страницы; сверьте пробы с заданием, прежде чем делать пластины.}}",
  "note.render.no-ghostscript":
    "Ghostscript не установлен: пробы и покрытие краской сделаны MuPDF без имитации наложения; пантоны посчитаны в CMYK. Установите Ghostscript (apt-get install ghostscript).",
  "note.render.gs-page-problem": "Ghostscript сообщил об ошибках на этом листе: {detail}",
  "note.plates.blank": "форма {ink} на листе {sheet} пустая: заплатим за пустую форму",
  "note.plates.missing": "краска {ink} есть на листе {sheet}, но Signa не делает для неё форму",
  "note.plates.uncounted": "формы не посчитаны: лист без списка красок Signa не отрисован",
  "note.render.zones-need-gs": "для зон краски и CIP3 PPF нужны сепарации Ghostscript",
  "note.render.zones-unmeasured": "для зон краски не измерено ни одной сепарации",
  "note.render.ppf-failed": "зоны краски / PPF: {detail}",
  "note.render.failed": "не удалось сделать пробы: {detail}",
  "note.render.page-failed": "не отрисован (нет: {missing}): {detail}",
  "note.preview.gs-problem": "Превью: Ghostscript сообщил: {detail}",
  "note.preview.not-downsampled": "Превью: изображения не уменьшены (нужен Ghostscript).",
  "note.preview.failed": "Превью не сделано: {detail}",
  "note.crop.outside": "Лист {page}: бумага лежит вне страницы; показана вся страница.",
  "note.crop.larger": "Лист {page}: бумага больше страницы; обрезано по странице.",

  "note.reason.detail": "{detail}",
  "note.reason.unreadable-file": "Файл не удалось прочитать ({detail}).",
  "note.reason.zero-bytes": "Файл пустой (0 байт).",
  "note.reason.file-over-limit": "Файл {mb} МБ, больше предела {limit} МБ.",
  "note.reason.not-pdf-head": "Это не PDF (файл начинается с «{head}»).",
  "note.reason.no-pdf-extension": "Это PDF, но имя «{file}» не кончается на .pdf.",
  "note.reason.cut-short": "PDF оборван (нет его конца).",
  "note.reason.cannot-open": "PDF не открывается ({detail}).",
  "note.reason.open-password": "PDF защищён паролем на открытие.",
  "note.reason.pages-unreadable": "Страницы PDF не читаются ({detail}).",
  "note.reason.lost-objects": "PDF повреждён и не восстанавливается полностью; части потеряны: {detail}.",
  "note.reason.not-repaired": "PDF повреждён и не восстанавливается полностью.",
  "note.reason.no-pages": "В PDF нет страниц.",
  "note.reason.pages-over-limit":
    "В PDF {pages, plural, one {# страница} few {# страницы} many {# страниц} other {# страницы}}, больше предела {limit}.",
  "note.reason.page-over-limit":
    "Лист {page} размером {width} × {height} мм, больше предела {limit} мм по стороне.",
  "note.reason.stream-over-limit":
    "{detail}: больше предела {limit} МБ на поток (файл повреждён или намеренно раздут).",
  "note.reason.hazard-on-page": "На листе {page} {hazard}.",
  "note.reason.reader-fault": "Программа чтения PDF (MuPDF) дала сбой ({detail}).",
  "note.reason.reader-crashed-twice":
    "Программа чтения PDF (MuPDF) дважды дала сбой на этом файле, в том числе в новом процессе ({detail}).",
  "note.reason.too-complex": "PDF слишком сложный для чтения ({detail}).",
  "note.reason.cannot-read": "PDF не читается ({detail}).",
  "note.reason.file-gone": "Файла больше нет там, где он был.",
  "note.reason.duplicate-of": "Этот же файл уже обработан как задание №{job}.",

  "note.plan.no-target":
    "{owner, select, bureau {у бюро} other {у машины}} {name} не указано, куда отправлять",
  "note.plan.unknown-target":
    "{owner, select, bureau {бюро} other {машина}} {name}: место отправки «{target}» не настроено",
  "note.plan.rule":
    "{owner, select, bureau {бюро} other {машина}} {name}: правило {rule, select, folder {папки} other {имени файла}} не работает: {detail}",
  "note.plan.no-bureau": "бюро вывода не найдено (нет метки, части имени файла или бюро горячей папки)",
  "note.plan.unknown-bureau": "бюро «{name}» нет в настройках",
  "note.plan.no-press": "машина не найдена",
  "note.plan.unknown-press": "машины «{name}» нет в настройках",
  "note.plan.no-preview": "превью не сделано",
  "note.plan.no-preview-why": "превью не сделано: {detail}",
  "note.plan.import-mode": "режим импорта: без отправки и уведомлений",
  "note.plan.nothing": "нечего отправлять",
  "note.plan.bureau": "оригинал → {target}",
  "note.plan.press": "превью → {target}",
  "note.plan.bureau-skipped": "оригинал → {target} (пропущено: {reason})",
  "note.plan.press-skipped": "превью → {target} (пропущено: {reason})",
  "note.delivery.target-gone": "места отправки «{target}» больше нет в настройках",
  "note.deliver.bureau":
    "оригинал: {state, select, sent {отправлен} pending {ждёт} failed {ошибка} skipped {пропущен} other {{state}}}",
  "note.deliver.press":
    "превью: {state, select, sent {отправлено} pending {ждёт} failed {ошибка} skipped {пропущено} other {{state}}}",
  "note.analyse.summary":
    "{complects, plural, one {# комплект} few {# комплекта} many {# комплектов} other {# комплекта}}, {plates, plural, one {# пластина} few {# пластины} many {# пластин} other {# пластины}}, машина {press}, бюро {bureau}",
  "note.render.summary":
    "{pages, plural, one {# лист} few {# листа} many {# листов} other {# листа}}, {engine}, {ms} мс{lacking, plural, =0 {} other {, не отрисовано: # (листы {lackingSheets})}}{warnings, plural, =0 {} one {, # предупреждение} few {, # предупреждения} many {, # предупреждений} other {, # предупреждения}}",
  "note.intake.summary": "{bytes} байт, sha256 {sha}",
  "note.archive.path": "{path}",
  "note.rule.unknown-field": "неизвестное поле «{field}» в «{template}»; известные поля: {known}",
  "note.rule.bad-template":
    "{problem, select, unclosed {открывающая фигурная скобка в позиции {at} в «{template}» не закрыта} stray-close {закрывающая фигурная скобка в позиции {at} в «{template}» без открывающей (чтобы вывести скобку, напишите две)} other {«{inner}» в «{template}» — не имя поля}}",
  "note.rule.bad-format": "у поля «{field}» формат «{format}», но формат бывает только у дат",
  "note.rule.empty-name": "правило имени файла дало пустое имя («{name}»)",
  "note.delivery.config": "настройки места отправки неверны ({detail})",
  "note.delivery.local-file": "файл для отправки не читается здесь ({detail})",
  "note.delivery.bad-path": "папка или имя файла вышли бы за папку места отправки ({detail})",
  "note.delivery.connect": "не удалось подключиться к серверу ({detail})",
  "note.delivery.timeout": "сервер не ответил вовремя ({detail})",
  "note.delivery.tls": "сертификат сервера отклонён ({detail})",
  "note.delivery.host-key": "ключ SFTP-сервера не совпадает с закреплённым ({detail})",
  "note.delivery.auth": "сервер не принял логин или пароль ({detail})",
  "note.delivery.permission": "сервер не принял файл или папку (права доступа) ({detail})",
  "note.delivery.disk-full": "диск сервера заполнен ({detail})",
  "note.delivery.size-mismatch": "размер файла на сервере не совпадает с оригиналом ({detail})",
  "note.delivery.aborted": "передача остановлена ({detail})",
  "note.delivery.server": "сервер отклонил файл ({detail})",
  "note.setting.missing": "обязательное поле",
  "note.setting.type":
    "должно быть: {expected, select, number {число} int {целое число} string {текст} boolean {да или нет} array {список} object {раздел} other {{expected}}}",
  "note.setting.too-small": "должно быть {inclusive, plural, =0 {больше} other {не меньше}} {minimum}",
  "note.setting.too-big": "должно быть {inclusive, plural, =0 {меньше} other {не больше}} {maximum}",
  "note.setting.too-short":
    "нужно не меньше {minimum, plural, one {# символа} few {# символов} many {# символов} other {# символа}}",
  "note.setting.too-long":
    "нужно не больше {maximum, plural, one {# символа} few {# символов} many {# символов} other {# символа}}",
  "note.setting.one-of": "должно быть одно из: {values}",
  "note.setting.unknown-field": "неизвестное поле (проверьте написание): {keys}",
  "note.setting.format":
    "{field, select, currency {трёхбуквенный код валюты ISO 4217, например UAH, EUR, USD} other {неверный формат}}",
  "note.setting.duplicate-name": "это имя уже есть выше (имена сравниваются без учёта регистра)",
  "note.setting.unknown-target":
    "{count, plural, =0 {нет ни одной цели: сначала добавьте цель} other {должно быть одной из целей: {targets}}}",
  "note.setting.unknown-bureau":
    "{count, plural, =0 {нет ни одного бюро: сначала добавьте бюро} other {должно быть одним из бюро: {bureaus}}}",
  "note.setting.url-scheme": "адрес должен начинаться с ftp://, ftps://, sftp:// или file://",
  "note.setting.yaml-syntax": "ошибка синтаксиса YAML в строке {line} ({detail})",
  "note.setting.empty-document": "файл пуст: нужен документ настроек",
  "note.setting.no-presses": "нужна хотя бы одна машина",
  "note.setting.no-bureaus": "нужно хотя бы одно бюро",
  "note.log.step-done": "{step}: {what} ({ms} мс)",
  "note.log.warning": "предупреждение: {what}",
  "note.log.render-warning": "пробы: {what}",
  "note.log.retry": "{step}: {detail} — повтор через {seconds} с",
  "note.log.refused": "{step}: файл не принят ({code}) — {what}",
  "note.log.disk-wait": "{step}: {detail} — ждём места на диске (попытки не расходуются)",
  "note.log.waiting": "{step}: ожидание ({code}) — {detail}",
  "note.log.quarantined": "оригинал перемещён в карантин: {name}",
  "note.log.quarantine-failed": "не удалось переместить оригинал в карантин: {detail}",
  "note.log.delivered":
    "{kind, select, press {отправлено на машину} other {отправлено в бюро}} {target}: {place}{found, select, 1 { (файл уже был на месте после прерванной попытки {holder})} other {}}",
  "note.log.delivery-failed":
    "{kind, select, press {отправка на машину} other {отправка в бюро}} {target} не удалась: {what}{again, select, 1 { — следующая попытка {next, date}} other {}}",
  "note.log.delivery-interrupted":
    "{kind, select, press {отправка на машину} other {отправка в бюро}} {target} была прервана ({holder}); {state, select, missing {файла на месте нет} short {файл на месте неполный} differs {на месте другой файл с тем же именем} other {{state}}} ({got} из {bytes} байт, проверено: {checkedBy}): отправляем заново",
  "note.log.notify-failed": "уведомление ({channel}) для {recipient} не отправлено: {detail}",
  "note.log.render-repaired": "пробы: сделаны из копии, исправленной {by}",
  "note.log.render-lacking":
    "пробы: не отрисовано {count} из {total, plural, one {# листа} few {# листов} many {# листов} other {# листа}}: {sheets}",
  "note.log.sheet-lacks": "лист {page} — нет: {missing}",
  "note.render.part":
    "{part, select, proof {пробы} thumbnail {миниатюры} inks {покрытия краской} other {{part}}}",
  "note.log.render-warnings":
    "пробы: {count, plural, one {# предупреждение} few {# предупреждения} many {# предупреждений} other {# предупреждения}} в журнал",
  "note.log.rerun": "запущено заново: {user}",
  "note.log.bureau-picked": "бюро {bureau} выбрал(а) {user}",
  "note.log.remade": "недостающие файлы переделаны: {user}",
  "note.log.edited": "изменено ({user}): {changes}",
  "note.log.changed":
    "{field, select, press {машина} bureau {бюро} money {стоимость} plate_area_m2 {площадь форм, м²} other {{field}}} = {value}",
  "note.log.archive-removed":
    "оригинал удалён из архива через {days, plural, one {# день} few {# дня} many {# дней} other {# дня}}",
  "note.log.quarantine-removed":
    "оригинал удалён из карантина ({why, select, age {слишком старый} other {карантин переполнен}})",
  "note.log.quarantine-notice":
    "оригинал в карантине будет удалён после {at, date} ({why, select, age {старше {days, plural, one {# дня} few {# дней} many {# дней} other {# дня}}} other {карантин больше {mb} МБ}})",
  "note.test.ok": "готово",

  "advice.empty":
    "Экспортируйте лист из Signa ещё раз и скопируйте в горячую папку, когда экспорт закончится.",
  "advice.not-pdf": "Экспортируйте лист из Signa в PDF и сохраните с расширением .pdf.",
  "advice.damaged":
    "Экспортируйте лист из Signa ещё раз; если он копировался по сети, скопируйте снова и дождитесь конца копирования.",
  "advice.encrypted":
    "Экспортируйте снова без пароля на открытие (защита документа выключена) и отправьте ещё раз.",
  "advice.too-large":
    "Экспортируйте работу по одному PDF на лист (или на сторону) и отправьте части, или попросите администратора поднять предел.",
  "advice.too-complex":
    "Упростите лист или экспортируйте заново; если не помогает, отправьте файл администратору.",
  "advice.reader-crash":
    "Это сбой программы чтения PDF, не обязательно файла: отправьте файл и это сообщение администратору.",
  "advice.duplicate": "Чтобы обработать его снова, перезапустите это задание.",
  "advice.missing": "Положите файл в горячую папку ещё раз.",
};
