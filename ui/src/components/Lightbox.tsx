// Proofs full size, one page at a time; arrows or buttons move between pages.
import { useEffect, useState } from "react";
import { useI18n } from "../i18n/i18n.tsx";
import { Dialog } from "./Dialog.tsx";

export interface LightboxImage {
  src: string;
  caption: string;
}

export function Lightbox({
  images,
  start,
  onClose,
}: {
  images: LightboxImage[] | null;
  start?: number;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [i, setI] = useState(start ?? 0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new set of images starts at its own page
  useEffect(() => setI(start ?? 0), [start, images]);
  const n = images?.length ?? 0;
  const img = images?.[Math.min(i, n - 1)];
  const go = (d: number) => setI((x) => (x + d + n) % n);
  return (
    <Dialog open={!!images} onClose={onClose} title={t("lightbox.title")} className="lightbox" wide>
      {img ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: arrow keys are a shortcut; the buttons do the same
        <div
          className="lightbox-body"
          onKeyDown={(e) => {
            if (e.key === "ArrowRight") go(1);
            if (e.key === "ArrowLeft") go(-1);
          }}
        >
          <div className="lightbox-bar">
            <span className="lightbox-caption">{img.caption}</span>
            {n > 1 ? (
              <>
                <button type="button" onClick={() => go(-1)} aria-label={t("lightbox.prev")}>
                  ‹
                </button>
                <span>
                  {i + 1} / {n}
                </span>
                <button type="button" onClick={() => go(1)} aria-label={t("lightbox.next")}>
                  ›
                </button>
              </>
            ) : null}
            <a href={img.src} target="_blank" rel="noreferrer">
              {t("lightbox.open")}
            </a>
            {/* biome-ignore lint/a11y/noAutofocus: the dialog's first control takes focus */}
            <button type="button" onClick={onClose} autoFocus>
              {t("common.close")}
            </button>
          </div>
          <img className="lightbox-img" src={img.src} alt={img.caption} />
        </div>
      ) : null}
    </Dialog>
  );
}
