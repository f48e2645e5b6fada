// A few inline icons (no icon font): decorative, so hidden from screen readers; the text beside
// or the button's label says what they mean.
import type { ReactNode } from "react";

function Svg({ children, size = 16 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const IconEye = () => (
  <Svg>
    <path d="M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5z" />
    <circle cx="8" cy="8" r="2" />
  </Svg>
);
export const IconOk = () => (
  <Svg>
    <path d="M3 8.5l3 3 7-7" />
  </Svg>
);
export const IconFail = () => (
  <Svg>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Svg>
);
export const IconWait = () => (
  <Svg>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.5V8l2.5 1.5" />
  </Svg>
);
export const IconSkip = () => (
  <Svg>
    <path d="M3 8h10" />
  </Svg>
);
export const IconRerun = () => (
  <Svg>
    <path d="M13 3v4H9" />
    <path d="M13 7a5 5 0 1 0-1.2 3.6" />
  </Svg>
);
export const IconSend = () => (
  <Svg>
    <path d="M2 8l12-5-5 12-2-5z" />
  </Svg>
);
export const IconTrash = () => (
  <Svg>
    <path d="M3 4h10M6 4V2.5h4V4M4.5 4l.7 9.5h5.6l.7-9.5" />
  </Svg>
);
export const IconUpload = () => (
  <Svg size={20}>
    <path d="M8 11V2.5M4.5 6L8 2.5 11.5 6M2.5 11v2.5h11V11" />
  </Svg>
);
export const IconWarn = () => (
  <Svg>
    <path d="M8 2 15 14H1z" />
    <path d="M8 6.5v3.5M8 12v.01" />
  </Svg>
);
