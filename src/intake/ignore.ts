// Temp and system files that copy tools and desktops leave in shared folders: never jobs.
const PATTERNS = [
  /^~\$/,
  /^\.~lock/i,
  /^\._/,
  /^thumbs\.db$/i,
  /^\.ds_store$/i,
  /\.tmp$/i,
  /\.part$/i,
  /^desktop\.ini$/i,
  /^\./,
];

export function isIgnoredName(name: string): boolean {
  return PATTERNS.some((p) => p.test(name));
}
