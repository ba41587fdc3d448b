/**
 * The shell's navigation. Each layer adds its pages here (and its routes in routes.tsx) as it
 * lands; sections keep the sidebar readable as it grows.
 */
import { CONTEXT_NAVIGATION } from './context-navigation';
import { MODEL_GATEWAY_NAVIGATION } from './model-gateway-navigation';
import { ONTOLOGY_NAVIGATION } from './ontology-navigation';
import { VECTORS_NAVIGATION } from './vectors-navigation';

export interface NavigationItem {
  /** Route path under /admin. */
  path: string;
  label: string;
  section: 'Platform' | 'Models' | 'Ontology' | 'Observability' | 'Governance' | 'Agents' | 'Data' | 'Operations';
}

export const NAVIGATION: readonly NavigationItem[] = [
  { path: '/', label: 'Overview', section: 'Platform' },
  { path: '/system', label: 'System status', section: 'Platform' },
  ...MODEL_GATEWAY_NAVIGATION,
  ...ONTOLOGY_NAVIGATION,
  ...VECTORS_NAVIGATION,
  ...CONTEXT_NAVIGATION,
  { path: '/observability/traces', label: 'Traces', section: 'Observability' },
  { path: '/observability/data-access', label: 'Data access', section: 'Observability' },
  { path: '/governance/members', label: 'Members', section: 'Governance' },
  { path: '/governance/service-accounts', label: 'Service accounts & API keys', section: 'Governance' },
  { path: '/governance/policies', label: 'Roles & policies', section: 'Governance' },
  { path: '/governance/purposes', label: 'Purposes', section: 'Governance' },
  { path: '/governance/approvals', label: 'Approvals', section: 'Governance' },
  { path: '/governance/audit', label: 'Audit log', section: 'Governance' },
  { path: '/governance/decisions', label: 'Access decisions', section: 'Governance' },
];

export function navigationSections(items: readonly NavigationItem[] = NAVIGATION): Array<[string, NavigationItem[]]> {
  const sections = new Map<string, NavigationItem[]>();
  for (const item of items) {
    sections.set(item.section, [...(sections.get(item.section) ?? []), item]);
  }
  return [...sections.entries()];
}
