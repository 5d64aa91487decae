"""Consent: the destination's categories, and whether one event's visitor consented to them.

Segment's consent wrapper (`@segment/analytics-consent-tools`) stamps every event with
`context.consent.categoryPreferences`, such as {"Analytics": true, "Advertising": false}, and
gives each destination its categories in the CDN settings. The wrapper's own blocking reaches
only the destinations it loads itself or that take destination middleware, so the
destination checks every event against its own stamp as well, on every path: an event is
sent only when its stamp consents to every one of the destination's categories. Deciding it
per event is what makes a grant or a revocation mid-visit take effect at the next event.
"""
from .jsvalue import shown

# Where the wrapper puts the visitor's choices, for messages.
STAMP = "context.consent.categoryPreferences"


class ConsentError(ValueError):
    """The consentCategories setting cannot be used; the message says what to write instead."""


def parse_categories(raw) -> list:
    """The `consentCategories` setting as a list of names; [] when it is not set.

    A script tag can only hold text, so "Analytics, Advertising" is read as two names.
    """
    if raw is None or raw == "" or raw == []:
        return []
    if isinstance(raw, str):
        names = [name.strip() for name in raw.split(",")]
    elif isinstance(raw, list) and all(isinstance(name, str) for name in raw):
        names = [name.strip() for name in raw]
    else:
        raise ConsentError(
            'Setting "consentCategories" must be a list of category names such as ["Analytics"] '
            '(data-consent-categories="Analytics, Advertising" on the script tag), not %s.' % shown(raw))
    if any(not name for name in names):
        raise ConsentError('Setting "consentCategories" holds an empty category name: %s. Give each category '
                           'by the name your consent manager uses, separated by commas.' % shown(raw))
    return names


def cdn_categories(integration) -> list:
    """The categories Segment's CDN settings give the integration (its consentSettings), or []."""
    if not isinstance(integration, dict):
        return []
    consent_settings = integration.get("consentSettings")
    if not isinstance(consent_settings, dict):
        return []
    categories = consent_settings.get("categories")
    if not isinstance(categories, list):
        return []
    return [name for name in categories if isinstance(name, str) and name]


def refusal(event: dict, categories: list) -> str:
    """Why the event's stamp does not consent to every category, or "" when it does.

    An event without a stamp is not sent: with categories configured, no stamp means no
    consent manager has answered for this visitor, and the safe side is not to send.
    """
    context = event.get("context")
    consent = context.get("consent") if isinstance(context, dict) else None
    preferences = consent.get("categoryPreferences") if isinstance(consent, dict) else None
    if not isinstance(preferences, dict):
        return "the event carries no %s, and the destination needs consent to %s" % (STAMP, _names(categories))
    missing = [name for name in categories if preferences.get(name) is not True]
    if missing:
        return "the visitor has not consented to %s (%s)" % (_names(missing), STAMP)
    return ""


def _names(names: list) -> str:
    return ", ".join('"%s"' % name for name in names)
