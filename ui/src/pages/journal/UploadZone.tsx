// Operators drop PDFs anywhere on the journal (or choose them) to upload; the rows then appear
// through the live events like a hot-folder drop.
import { useEffect, useRef, useState } from "react";
import { upload } from "../../api/client.ts";
import { useFeedback } from "../../components/Feedback.tsx";
import { IconUpload } from "../../components/icons.tsx";
import { useI18n } from "../../i18n/i18n.tsx";

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files");
}

export function UploadZone() {
  const { t, tx, errorText } = useI18n();
  const { toast } = useFeedback();
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const depth = useRef(0);

  const send = async (files: File[]) => {
    if (!files.length) return;
    setProgress(0);
    try {
      const r = await upload(files, setProgress);
      const again = r.jobs.filter((j) => j.already).length;
      toast(
        t("upload.done", { n: r.jobs.length }) + (again ? ` ${t("upload.already", { n: again })}` : ""),
        "ok",
      );
      // Files the server would not take (a name over 255 bytes) while the others went in.
      for (const x of r.refused ?? [])
        toast(`${t("upload.failed")}: ${x.file}: ${tx(`error.${x.code}`, x.code)}`, "error");
    } catch (e) {
      toast(`${t("upload.failed")}: ${errorText(e)}`, "error");
    } finally {
      setProgress(null);
    }
  };
  const sendRef = useRef(send);
  sendRef.current = send;

  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allows the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (!depth.current) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      void sendRef.current(Array.from(e.dataTransfer.files));
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragover", over);
    window.addEventListener("dragleave", leave);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragover", over);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("drop", drop);
    };
  }, []);

  return (
    <>
      <div className={`upload-zone ${dragging ? "dragging" : ""}`} data-testid="upload-zone">
        <IconUpload />
        <span>{t("upload.hint")}</span>
        <label className="button">
          {t("upload.choose")}
          <input
            ref={input}
            type="file"
            accept="application/pdf,.pdf"
            multiple
            className="visually-hidden"
            onChange={(e) => {
              void send(Array.from(e.target.files ?? []));
              e.target.value = "";
            }}
          />
        </label>
        {progress !== null ? (
          <progress max={1} value={progress} aria-label={t("upload.progress")}>
            {Math.round(progress * 100)} %
          </progress>
        ) : null}
      </div>
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          <IconUpload />
          {t("upload.dropHere")}
        </div>
      ) : null}
    </>
  );
}
