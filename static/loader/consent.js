// Consent, as far as the page must know it: what the Analytics instance's CDN settings hold
// for this destination (Python reads its consent categories from them and decides every
// event), and whether the SDK's early download must wait. Segment's consent wrapper gives
// each destination its categories in integrations[NAME].consentSettings.categories.
import { NAME } from './config.js';

// The destination's consent settings from the instance, as JSON text for Python ('null': none).
export function integrationSettings(analytics) {
  try {
    var entry = analytics.settings.cdnSettings.integrations[NAME];
    if (entry && entry.consentSettings) return JSON.stringify({ consentSettings: entry.consentSettings });
  } catch (error) {
    // no instance, or one without CDN settings: no categories from there
  }
  return 'null';
}

// The SDK is fetched before Python has read the settings only where no consent category
// could apply: none in the settings and none in the CDN settings. Else nothing of 1Flow's is
// requested until an event consents (Python then injects it).
export function consentMayApply(settings, integration) {
  var own = settings.consentCategories;
  if (Array.isArray(own) ? own.length : typeof own === 'string' && own.trim()) return true;
  var categories = JSON.parse(integration);
  categories = categories && categories.consentSettings && categories.consentSettings.categories;
  return Array.isArray(categories) && categories.length > 0;
}
