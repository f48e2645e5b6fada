// Users and roles: add, change role, set a new password, disable, delete (not yourself). A new
// password, role or disabling logs the user out everywhere (the server ends their sessions).
import { type FormEvent, useState } from "react";
import { api } from "../../api/client.ts";
import type { Role, User } from "../../api/types.ts";
import { useFeedback } from "../../components/Feedback.tsx";
import { useI18n } from "../../i18n/i18n.tsx";
import { useSession } from "../../lib/session.tsx";
import { useApi } from "../../lib/use-api.ts";

const ROLES: Role[] = ["viewer", "operator", "admin"];

export function UsersTab() {
  const { t, tx, errorText } = useI18n();
  const { toast, confirm } = useFeedback();
  const me = useSession().user;
  const users = useApi<User[]>("/api/users");
  const [form, setForm] = useState({ name: "", password: "", role: "operator" as Role });

  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api("/api/users", { body: form });
      toast(t("admin.userAdded", { name: form.name }), "ok");
      setForm({ name: "", password: "", role: "operator" });
      void users.reload();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  const patch = async (u: User, body: { role?: Role; password?: string; disabled?: boolean }) => {
    try {
      await api(`/api/users/${u.id}`, { method: "PATCH", body });
      toast(t("admin.userSaved", { name: u.name }), "ok");
      void users.reload();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  const remove = async (u: User) => {
    if (!(await confirm(t("admin.userDeleteConfirm", { name: u.name }), t("journal.delete")))) return;
    try {
      await api(`/api/users/${u.id}`, { method: "DELETE" });
      void users.reload();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  const newPassword = async (u: User) => {
    const pw = window.prompt(t("admin.newPasswordFor", { name: u.name }));
    if (pw) await patch(u, { password: pw });
  };

  return (
    <section className="admin-section">
      <h2>{t("admin.tab.users")}</h2>
      <p className="muted">{t("admin.rolesIntro")}</p>
      {users.error ? <p className="notice error">{errorText(users.error)}</p> : null}
      <div className="table-wrap">
        <table className="users">
          <thead>
            <tr>
              <th scope="col">{t("admin.name")}</th>
              <th scope="col">{t("admin.role")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("journal.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(users.data ?? []).map((u) => (
              <tr key={u.id} data-user={u.name}>
                <th scope="row">
                  {u.name}
                  {u.disabled ? <span className="muted"> · {t("admin.userDisabled")}</span> : null}
                </th>
                <td>
                  <select
                    aria-label={`${t("admin.role")}: ${u.name}`}
                    value={u.role}
                    disabled={u.id === me?.id}
                    onChange={(e) => patch(u, { role: e.target.value as Role })}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {tx(`role.${r}`, r)}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="row-actions">
                  <button type="button" onClick={() => newPassword(u)}>
                    {t("admin.setPassword")}
                  </button>
                  <button
                    type="button"
                    aria-pressed={!!u.disabled}
                    onClick={() => patch(u, { disabled: !u.disabled })}
                    disabled={u.id === me?.id}
                  >
                    {u.disabled ? t("admin.enableUser") : t("admin.disableUser")}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => remove(u)}
                    disabled={u.id === me?.id}
                  >
                    {t("journal.delete")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="card add-user" onSubmit={add}>
        <h3>{t("admin.addUser")}</h3>
        <div className="field-grid">
          <div className="field">
            <label htmlFor="nu-name">{t("admin.name")}</label>
            <input
              id="nu-name"
              required
              maxLength={64}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              autoComplete="off"
            />
          </div>
          <div className="field">
            <label htmlFor="nu-pass">{t("login.password")}</label>
            <input
              id="nu-pass"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
              aria-describedby="nu-pass-hint"
            />
            <small id="nu-pass-hint" className="muted">
              {t("admin.passwordHint")}
            </small>
          </div>
          <div className="field">
            <label htmlFor="nu-role">{t("admin.role")}</label>
            <select
              id="nu-role"
              value={form.role}
              onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {tx(`role.${r}`, r)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="primary">
          {t("admin.addUser")}
        </button>
      </form>
    </section>
  );
}
