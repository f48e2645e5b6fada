// A detail shown on hover and on keyboard focus (the journal's colours, inks, delivery errors).
// Plain CSS shows it; the trigger is focusable and points at the text with aria-describedby.
import { type ReactNode, useId } from "react";

export function Hint({
  children,
  content,
  label,
  className,
}: {
  children: ReactNode;
  content: ReactNode;
  /** Accessible name of the trigger when its own text is not enough (icons). */
  label?: string;
  className?: string;
}) {
  const id = useId();
  if (content == null || content === false || content === "") return <>{children}</>;
  return (
    <span className={`hint ${className ?? ""}`}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focus shows the same detail as hover */}
      <span className="hint-trigger" tabIndex={0} aria-describedby={id}>
        {label ? <span className="visually-hidden">{label}: </span> : null}
        {children}
      </span>
      <span className="hint-pop" role="tooltip" id={id}>
        {content}
      </span>
    </span>
  );
}
