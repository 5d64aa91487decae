"""The stand-ins hold a destination to the calls the real 1Flow SDK accepts (DESIGN.md, "Facts checked").

A stand-in that took any call would let a wrong shape pass a test; these prove each one
flags the shapes the real builds would not take, and takes the ones they would.
"""
import pytest

import pages

pytestmark = [pytest.mark.browser, pytest.mark.flags_expected]


def standin_page(site, standin: str) -> str:
    return site.page("<!doctype html><script data-api-key='k' src='%s'></script>" % pages.standin_url(site, standin))


def problems(page, site, standin: str, calls: str) -> list:
    """Make `calls` on the stand-in directly; the problem it records for each ('' when none)."""
    page.goto(standin_page(site, standin))
    page.evaluate(calls)
    return page.evaluate("oneflowStandIn.calls.map((call) => call.problem)")


@pytest.mark.parametrize("call, problem", [
    ("_1flow('identify', 'u', {plan: 'pro'})", ""),
    ("_1flow('identify', 'u', {})", ""),
    ("_1flow('identify', 'u', undefined, {traits: {plan: 'pro'}})", "got 3 arguments"),
    ("_1flow('identify', 'u', {traits: {plan: 'pro'}})", "wrapped in {traits"),
    ("_1flow('identify', 'u', {email: 'e', traits: {plan: 'pro'}})", "wrapped in {traits"),
    ("_1flow('identify', 'u', {plan: new Map()})", "not a plain object"),
    ("_1flow('track', 'E', {userId: 'u', anonymousId: 'a', properties: {when: new Date(0)}})", "not a plain object"),
    ("_1flow('identify', 'u')", "got 1 arguments"),
    ("_1flow('identify', 42, {})", "user id as text"),
    ("_1flow('track', 'E', {userId: undefined, anonymousId: 'a', properties: undefined})", ""),
    ("_1flow('track', 'E', {anonymousId: 'a', properties: {}})", "exactly the keys"),
    ("_1flow('track', 'E', {userId: 'u', anonymousId: 'a', properties: {}, extra: 1})", "exactly the keys"),
    ("_1flow('track', 'E', {userId: 'u', anonymousId: 'a', properties: []})", "properties must be an object"),
    ("_1flow('track', '', {userId: 'u', anonymousId: 'a', properties: {}})", "event name as text"),
    ("_1flow('page', 'E', {})", "unknown command"),
])
def test_the_command_standin_flags_every_call_of_another_shape(site, page, call, problem):
    found = problems(page, site, pages.COMMAND_STANDIN, call)
    assert len(found) == 1 and problem in found[0] and bool(found[0]) == bool(problem)


def test_the_command_standin_does_not_send_a_flagged_call_and_says_so_in_the_console(site, page):
    with page.expect_console_message(lambda m: m.type == "error" and "would not accept" in m.text):
        problems(page, site, pages.COMMAND_STANDIN, "_1flow('identify', 'u', undefined, {traits: {}})")
    assert page.evaluate("[oneflowStandIn.sent.length, oneflowStandIn.flagged.length]") == [0, 1]


def test_the_command_standin_records_keys_holding_undefined(site, page):
    page.goto(standin_page(site, pages.COMMAND_STANDIN))
    page.evaluate("_1flow('track', 'E', {userId: undefined, anonymousId: 'a', properties: undefined})")
    assert page.evaluate("oneflowStandIn.calls[0].undefinedAt") == ["1.properties", "1.userId"]


@pytest.mark.parametrize("call, problem", [
    ("_1flow.logUser('u', {plan: 'pro'})", ""),
    ("_1flow.logEvent('E')", ""),
    ("_1flow.logUser('u', undefined, {traits: {}})", "got 3 arguments"),
    ("_1flow.logEvent(5, {})", "needs text first"),
    ("_1flow.logEvent('E', ['a'])", "needs an object"),
    ("_1flow.logEvent('E', {at: new Map()})", "not a plain object"),
    ("_1flow.logUser('u', Object.create({inherited: 1}))", "not a plain object"),
])
def test_the_2022_standin_flags_every_call_of_another_shape(site, page, call, problem):
    found = problems(page, site, pages.STANDIN, call)
    assert len(found) == 1 and problem in found[0] and bool(found[0]) == bool(problem)


def test_the_2022_standin_records_a_missing_argument_as_missing_and_undefined_where_it_was(site, page):
    page.goto(standin_page(site, pages.STANDIN))
    page.evaluate("_1flow.logEvent('A'); _1flow.logEvent('B', undefined); _1flow.logEvent('C', {at: undefined})")
    assert page.evaluate("oneflowStandIn.calls.map((call) => [call.args, call.undefinedAt])") == [
        [["A"], []], [["B", None], ["1"]], [["C", {}], ["1.at"]]]


def test_the_2022_standin_without_a_key_flags_every_call_and_never_becomes_ready(site, page):
    page.goto(site.page("<!doctype html><script src='%s'></script>" % pages.standin_url(site)))
    page.evaluate("_1flow.logEvent('E', {})")
    assert "without a key" in page.evaluate("oneflowStandIn.calls[0].problem")
    page.wait_for_timeout(100)  # five times the stand-in's own configuration delay
    assert page.evaluate("window.glob") is None
