// Which ink zones a sheet meets: those of the press the analysis found for it, when that press has
// ink zones on.
import type { Sheet } from "../analysis/types.ts";
import type { InkZoneSettings, Press } from "../config/settings-schema.ts";

export function inkZonesOfPresses(
  presses: Pick<Press, "name" | "inkZones">[],
): (sheet: Pick<Sheet, "press"> | undefined) => InkZoneSettings | null {
  return (sheet) => {
    const press = sheet?.press ? presses.find((p) => p.name === sheet.press) : undefined;
    return press?.inkZones?.enabled ? press.inkZones : null;
  };
}
