import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { FeedbackProvider } from "./components/Feedback.tsx";
import { I18nProvider } from "./i18n/i18n.tsx";
import { SessionProvider } from "./lib/session.tsx";
import "./styles.css";

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <SessionProvider>
          <FeedbackProvider>
            <App />
          </FeedbackProvider>
        </SessionProvider>
      </I18nProvider>
    </StrictMode>,
  );
