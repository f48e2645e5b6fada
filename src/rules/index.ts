export { coloursSuffix, findBureau, findPress, jobFields, RULE_FIELDS, removeBureauToken } from "./fields.ts";
export {
  type DeliveryPlan,
  type PlanProblem,
  planDeliveries,
  previewRule,
  type RuleKind,
  renderRule,
} from "./plan.ts";
export { RuleError, safeFileName, safeFolder } from "./sanitize.ts";
export {
  type Fields,
  type FieldValue,
  formatDate,
  renderTemplate,
  TemplateError,
  templateFields,
} from "./template.ts";
