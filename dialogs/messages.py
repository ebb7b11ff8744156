"""Every message the dialog can send, as English source text marked for extraction.

A reply names a key; the key has a ``neutral`` text and, for the key messages of a
conversation (greeting, verification ask, disclosure, situation ask, offer, counter-offer
answer, limits reached, agreement), one variant per temperament (DESIGN §6):

- sanguine: encourage;          - choleric: be direct, short;
- phlegmatic: patient, step by step;  - melancholic: care first.

Texts use ``str.format`` placeholders filled by :func:`bot.i18n.render` (money, dates and
numbers formatted per locale). ``N_`` only marks a string for ``pybabel extract -k N_``;
the translation happens at render time. Keep each text short: it is read on a phone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

TONES: tuple[str, ...] = ("neutral", "sanguine", "choleric", "phlegmatic", "melancholic")


def N_(message: str) -> str:  # the conventional gettext marker name
    return message


@dataclass(frozen=True)
class Message:
    neutral: str
    sanguine: str | None = None
    choleric: str | None = None
    phlegmatic: str | None = None
    melancholic: str | None = None

    def variant(self, tone: str) -> str:
        text: str | None = getattr(self, tone, None) if tone in TONES else None
        return text or self.neutral

    def texts(self) -> tuple[str, ...]:
        values = (self.neutral, self.sanguine, self.choleric, self.phlegmatic, self.melancholic)
        return tuple(v for v in values if v is not None)


MESSAGES: Mapping[str, Message] = {
    # --- greet ---------------------------------------------------------------------------
    "greet.hello": Message(
        neutral=N_(
            "Hello, this is the assistant for {creditor}. I'm here to help you find a way "
            "forward that works for you."
        ),
        sanguine=N_(
            "Hi there! I'm the assistant for {creditor}. Good to hear from you — let's find "
            "a plan that works for you."
        ),
        choleric=N_("Hello. I'm the assistant for {creditor}. I'll keep this quick and clear."),
        phlegmatic=N_(
            "Hello, I'm the assistant for {creditor}. We'll go one small step at a time, at "
            "your pace."
        ),
        melancholic=N_(
            "Hello, I'm the assistant for {creditor}. Thank you for talking with me — I know "
            "this isn't easy, and I'm here to help."
        ),
    ),
    "greet.ask_reference": Message(
        N_(
            "To start, please type the reference from our message or letter (it looks like "
            "A-12345)."
        )
    ),
    "greet.reference_unknown": Message(
        N_(
            "I couldn't find that reference. Please check it and type it again, or tap below "
            "to talk to a person."
        )
    ),
    "greet.welcome_back": Message(N_("Welcome back. Let's carry on where we left off.")),
    # --- verify --------------------------------------------------------------------------
    "verify.ask_dob": Message(
        neutral=N_(
            "First, to keep your details private, I need to check it's you. What is your date "
            "of birth? (for example 1980-12-31)"
        ),
        sanguine=N_(
            "Let's get started! First a quick check that it's you: what's your date of birth? "
            "(for example 1980-12-31)"
        ),
        choleric=N_("Quick security check first. Your date of birth? (for example 1980-12-31)"),
        phlegmatic=N_(
            "Step 1: a quick check that it's really you. Please type your date of birth, for "
            "example 1980-12-31."
        ),
        melancholic=N_(
            "Before anything else, I want to keep your information safe. Could you tell me "
            "your date of birth? (for example 1980-12-31)"
        ),
    ),
    "verify.dob_again": Message(
        N_(
            "I couldn't read a date there. I can share account details once I've checked it's "
            "you — please type your date of birth, like 1980-12-31 or 31/12/1980."
        )
    ),
    "verify.ask_phone": Message(
        N_("Thank you. Now the last four digits of your phone number, please.")
    ),
    "verify.phone_again": Message(
        N_("Please type just the last four digits of your phone number, like 1234.")
    ),
    "verify.passed": Message(N_("Thank you, that's confirmed.")),
    "verify.failed": Message(
        N_(
            "Sorry, those details don't match our records. Attempts left: {left}. Let's try "
            "again — what is your date of birth?"
        )
    ),
    "verify.locked_handoff": Message(
        N_(
            "Sorry, those details still don't match. For your security, checks on this "
            "account are now paused for 24 hours. A person from our team will help you "
            "confirm who you are here, usually within a working day."
        )
    ),
    "verify.locked": Message(
        N_(
            "For your security, checks on this account are paused for now. You can try again "
            "after {until}, or a person from our team can help you sooner — tap below."
        )
    ),
    # --- disclose ------------------------------------------------------------------------
    "disclose.balance": Message(
        neutral=N_(
            "Here is where your account stands:\n"
            "Balance: {balance}\n• Principal: {principal}\n• Interest: {interest}\n"
            "• Fees: {fees}\nDays past due: {days}"
        ),
        sanguine=N_(
            "Here's the full picture — and the good news is there are options:\n"
            "Balance: {balance}\n• Principal: {principal}\n• Interest: {interest}\n"
            "• Fees: {fees}\nDays past due: {days}"
        ),
        choleric=N_(
            "Balance: {balance} (principal {principal}, interest {interest}, fees {fees}), "
            "{days} days past due."
        ),
        phlegmatic=N_(
            "Step 2: here is your account, line by line:\n"
            "Balance: {balance}\n• Principal: {principal}\n• Interest: {interest}\n"
            "• Fees: {fees}\nDays past due: {days}"
        ),
        melancholic=N_(
            "Thank you for bearing with me. Here is where things stand — we'll work through "
            "it together:\n"
            "Balance: {balance}\n• Principal: {principal}\n• Interest: {interest}\n"
            "• Fees: {fees}\nDays past due: {days}"
        ),
    ),
    "disclose.ask_options": Message(N_("Shall we look at options that fit your situation?")),
    "disclose.later": Message(
        N_("That's fine. Whenever you're ready, just write here — I'll be here.")
    ),
    "disclose.paused": Message(
        N_(
            "This account is on hold while we look into a dispute, so we won't discuss "
            "payment now. A person from our team will reply here, usually within a working day."
        )
    ),
    "notice.us_collector": Message(
        N_(
            "This is a communication from a debt collector. This is an attempt to collect a "
            "debt, and any information obtained will be used for that purpose."
        )
    ),
    "notice.time_barred": Message(
        N_("Because of the age of this debt, we will not sue you for it.")
    ),
    "notice.validation": Message(
        N_(
            "You have until {date} to dispute all or part of this debt, or to ask for the "
            "original creditor's name and address. Nothing you do here changes that right."
        )
    ),
    "notice.cn_who": Message(
        N_("This service is run by {creditor} to help you with your repayments.")
    ),
    "advice.GB": Message(
        N_(
            "Free, confidential debt advice: MoneyHelper 0800 138 7777 (moneyhelper.org.uk) "
            "or StepChange 0800 138 1111."
        )
    ),
    "advice.US": Message(
        N_(
            "Free or low-cost debt counselling: the National Foundation for Credit Counseling, "
            "1-800-388-2227 (nfcc.org)."
        )
    ),
    "advice.CN": Message(
        N_("Free legal and debt guidance: the public legal service hotline 12348.")
    ),
    "advice.any": Message(
        N_("A free, independent debt adviser near you can help you look at all your options.")
    ),
    # --- situation -----------------------------------------------------------------------
    "situation.ask_reason": Message(
        neutral=N_("To find the right plan, could you tell me what has made paying hard lately?"),
        sanguine=N_("Let's find something that works! What's made paying tricky lately?"),
        choleric=N_("What's made paying hard? Pick one:"),
        phlegmatic=N_(
            "One question at a time. First: what has made paying hard lately? Tap a button or "
            "write it in your own words."
        ),
        melancholic=N_(
            "Many people go through this, and there's no judgement here. What has made paying "
            "hard lately?"
        ),
    ),
    "situation.ack.job_loss": Message(
        neutral=N_("Losing income is hard. Thank you for telling me — let's find a way through."),
        sanguine=N_(
            "Losing income is tough — and it's great that you're looking ahead. Let's find a "
            "way through together!"
        ),
    ),
    "situation.ack.illness": Message(N_("I'm sorry you've been unwell. Your health comes first.")),
    "situation.ack.family_emergency": Message(
        N_("I'm sorry — a family emergency takes a lot out of anyone.")
    ),
    "situation.ack.business_trouble": Message(
        N_(
            "Keeping a business going through a rough patch is stressful. Thank you for "
            "telling me."
        )
    ),
    "situation.ack.other": Message(N_("Thank you for telling me.")),
    "situation.ask_recovery": Message(
        neutral=N_("Do you expect things to get better? When might your income recover?"),
        sanguine=N_("Things can turn around! When do you think your income might pick up?"),
        choleric=N_("When will your income recover?"),
        phlegmatic=N_(
            "Next, just one question: do you expect things to get better, and roughly when? "
            '"Not sure" is a fine answer.'
        ),
        melancholic=N_(
            "Take your time — there's no right or wrong answer. Do you think things might "
            "get better, and when?"
        ),
    ),
    "situation.ask_monthly": Message(
        neutral=N_(
            "Roughly how much could you pay each month, without going short on essentials? A "
            "rough figure is fine."
        ),
        sanguine=N_(
            "You're doing great. Roughly how much could you manage each month, without going "
            "short on essentials?"
        ),
        choleric=N_("How much a month can you pay?"),
        phlegmatic=N_(
            "One last question: roughly how much could you pay each month, without going "
            "short on essentials? If you're not sure, tap below and we'll work it out together."
        ),
        melancholic=N_(
            "Essentials come first, and there's no wrong answer. Roughly how much could you "
            "manage each month? Even a small amount is fine."
        ),
    ),
    # Affordability in layers (issue 13): asked lightly, "rather not say" always works.
    "situation.ask_income": Message(
        neutral=N_(
            "Let's work it out together. Roughly how much comes in after tax — a week, a "
            "fortnight or a month, whichever is easier? A rough figure is fine."
        ),
        choleric=N_("Your income after tax? Weekly or monthly, a rough figure:"),
        phlegmatic=N_(
            "We'll take it one step at a time. First: roughly how much comes in after tax, "
            "a week or a month? A rough figure is fine, or tap below to skip."
        ),
        melancholic=N_(
            "There's no wrong answer here, and you can skip anything. Roughly how much "
            "comes in after tax, a week or a month?"
        ),
    ),
    "situation.income_noted": Message(N_("Thank you — so about {monthly} a month coming in.")),
    "situation.ask_outgoings": Message(
        N_(
            "And roughly how much goes on essentials — housing, food and bills, transport, "
            "childcare, other debts? One total or a few figures, any frequency."
        )
    ),
    "situation.budget_figure_again": Message(
        N_("Sorry, I didn't catch a figure. A rough number is fine, like 1,200 a month.")
    ),
    "situation.budget_skipped": Message(N_("No problem at all — we'll skip that.")),
    "situation.budget_left": Message(
        neutral=N_(
            "With about {outgoings} a month on essentials, that leaves about {left} a month. "
            "Something like {suggested} a month would keep some room to spare — shall we "
            "use that? You can also type your own figure."
        ),
        sanguine=N_(
            "Nice work — that leaves about {left} a month after essentials. {suggested} a "
            "month would still leave you room to breathe. Shall we go with that?"
        ),
        choleric=N_(
            "Left after essentials: {left} a month. Suggested: {suggested} a month. Use it?"
        ),
        phlegmatic=N_(
            "Here's the sum, step by step: about {outgoings} a month on essentials leaves "
            "about {left} a month. I'd suggest {suggested} a month, so there's room to spare. "
            "Shall we use that, or type another figure?"
        ),
        melancholic=N_(
            "Thank you for working through that — it isn't easy. After essentials, about "
            "{left} a month is left. {suggested} a month would keep a cushion for you. Shall "
            "we use that? Any other figure is fine too."
        ),
    ),
    "situation.budget_tight": Message(
        N_(
            "Thank you for working through that. With about {outgoings} a month on "
            "essentials, things look tight, and that's all right — we won't ask for more "
            "than you can manage."
        )
    ),
    "situation.monthly_again": Message(
        N_("Sorry, I didn't catch an amount. Please type a monthly figure, like 150.")
    ),
    # --- offer ---------------------------------------------------------------------------
    "offer.present": Message(
        neutral=N_("Here is what I can offer. These options stand until {expires}:"),
        sanguine=N_("Good news — here are your options, open until {expires}:"),
        choleric=N_("Your options (valid until {expires}):"),
        phlegmatic=N_(
            "Here are your options, one per line. Take your time — they stand until {expires}:"
        ),
        melancholic=N_(
            "I've looked for options that ease the pressure on you. They stand until {expires}:"
        ),
    ),
    "offer.pick": Message(
        N_("Tap the one that suits you, or tell me how much you could manage each month.")
    ),
    "offer.expired": Message(N_("Those options have expired, so here are today's.")),
    "offer.ask_amount": Message(N_("What could you manage each month? Type a figure, like 150.")),
    "plan.pay_in_full": Message(N_("{n}. Pay {total} in one go — you save {saved}")),
    "plan.pay_in_full_plain": Message(N_("{n}. Pay {total} in one go")),
    "plan.settlement": Message(N_("{n}. Settle for {total} in one payment — you save {saved}")),
    "plan.instalments": Message(N_("{n}. {monthly} a month × {count} — total {total}")),
    "plan.instalments_saving": Message(
        N_("{n}. {monthly} a month × {count} — total {total}, you save {saved}")
    ),
    "plan.holiday": Message(
        N_(
            "{n}. A break first: payments start on {first_due}, then {monthly} a month × "
            "{count} — total {total}"
        )
    ),
    "plan.holiday_saving": Message(
        N_(
            "{n}. A break first: payments start on {first_due}, then {monthly} a month × "
            "{count} — total {total}, you save {saved}"
        )
    ),
    # --- issue 13: plan lines a person can check (dialogs/states/offer.py plan_line) -------
    "plan.line.instalments": Message(
        N_(
            "{n}. {monthly} a month × {count}, first payment on {first_due}. Total {total}, "
            "at {apr}% a year."
        )
    ),
    "plan.line.instalments_free": Message(
        N_(
            "{n}. {monthly} a month × {count}, first payment on {first_due}. Total {total}, "
            "interest-free."
        )
    ),
    "plan.line.holiday": Message(
        N_(
            "{n}. No payments until {first_due}, then {monthly} a month × {count}. Total "
            "{total}, at {apr}% a year."
        )
    ),
    "plan.line.holiday_free": Message(
        N_(
            "{n}. No payments until {first_due}, then {monthly} a month × {count}. Total "
            "{total}, interest-free."
        )
    ),
    "plan.line.pay_in_full": Message(N_("{n}. One payment of {total} by {first_due}.")),
    "plan.line.settlement": Message(N_("{n}. Settle with one payment of {total} by {first_due}.")),
    "plan.saves.fees": Message(N_("   You save {saved}: fees of {fees} waived.")),
    "plan.saves.interest": Message(N_("   You save {saved}: interest of {interest} waived.")),
    "plan.saves.fees_interest": Message(
        N_("   You save {saved}: fees of {fees} and interest of {interest} waived.")
    ),
    "plan.saves.discount": Message(
        N_("   You save {saved}: a settlement discount off the balance.")
    ),
    "plan.over": Message(
        N_(
            "   It costs {over} more than today's balance, because interest at {apr}% a year "
            "continues."
        )
    ),
    "plan.why.recovery": Message(
        N_("   Why: your income should return soon, so payments start on {first_due}.")
    ),
    "plan.why.lasting": Message(
        N_(
            "   Why: your income may stay low for a while, so this is the longest term with "
            "the most interest relief I can give."
        )
    ),
    "plan.why.affordable": Message(
        N_("   Why: it fits the {affordable} a month you said you can pay.")
    ),
    "plan.why.affordable_now": Message(N_("   Why: it fits the one payment you offered.")),
    "plan.why.floor": Message(N_("   Why: this is the lowest monthly payment I can agree.")),
    "plan.why.lowest": Message(
        N_("   Why: the lowest monthly payment at your account's own rate.")
    ),
    "agree.schedule": Message(N_("The whole schedule:\n{schedule}")),
    "negotiate.below_min_plans": Message(
        neutral=N_(
            "I understand. {amount} a month is below what I can agree myself: the lowest is "
            "{min_monthly}. Here is what that looks like:"
        ),
        sanguine=N_(
            "Thanks — we're not far apart. The lowest I can agree is {min_monthly} a month "
            "(you said {amount}). Here is what that looks like:"
        ),
        choleric=N_("Lowest possible: {min_monthly} a month (you said {amount})."),
        phlegmatic=N_(
            "Let's take this one step at a time. {amount} a month is a little below what I "
            "can agree; the lowest is {min_monthly}. Here are those plans:"
        ),
        melancholic=N_(
            "Thank you for telling me what you can manage — that matters. {amount} a month is "
            "a little below what I can agree myself; the lowest is {min_monthly}. Here is "
            "what that looks like:"
        ),
    ),
    "negotiate.lowest_pick": Message(
        neutral=N_(
            "Tap one if it could work without going short on essentials, or a person from "
            "our team can look at other options with you."
        ),
        phlegmatic=N_(
            "Is one of these possible for you? Tap it, or tap Not sure and a person from our "
            "team will look at other options with you."
        ),
    ),
    "negotiate.same_figure": Message(
        neutral=N_(
            "You said {amount} a month before too, so the options above still stand — this "
            "doesn't use up a round. If none of them can work, a person from our team can "
            "look at other options with you."
        ),
        choleric=N_(
            "Same figure as before ({amount}): the options above stand. Or ask for a person."
        ),
    ),
    "negotiate.same_lump": Message(
        N_(
            "You offered {amount} in one payment before too, so my answer above still stands "
            "— this doesn't use up a round. A person from our team can also look at it with "
            "you."
        )
    ),
    "negotiate.unaffordable": Message(
        neutral=N_(
            "Thank you for telling me. The lowest monthly payment I can agree myself is "
            "{min_monthly}, well above the {amount} you can manage, so I won't ask you to "
            "stretch to it. A person from our team can look at other options with you — "
            "breathing space, a small token payment, or a date to review things — and will "
            "reply here, usually within a working day."
        ),
        sanguine=N_(
            "Thanks for being clear with me — that really helps. The lowest I can agree myself "
            "is {min_monthly} a month, well above your {amount}, so I won't ask you to stretch. "
            "A person from our team can look at other options — breathing space, a small "
            "token payment, or a review date — and will reply here, usually within a working "
            "day."
        ),
        choleric=N_(
            "{min_monthly} a month is my lowest; you said {amount}. That's too far apart, so a "
            "person will look at other options (breathing space, a token payment, a review "
            "date) and reply here, usually within a working day."
        ),
        phlegmatic=N_(
            "Here is where we are: the lowest I can agree myself is {min_monthly} a month, and "
            "you said {amount}. I won't ask you to stretch to that. A person from our team "
            "will look at other options with you — breathing space, a small token payment, "
            "or a date to review things. They'll reply here, usually within a working day. "
            "You don't need to do anything now."
        ),
        melancholic=N_(
            "Thank you for trusting me with this — you're doing the right thing by talking to "
            "us. The lowest I can agree myself is {min_monthly} a month, well above the "
            "{amount} you can manage, and I won't ask you to stretch to it. A person from our "
            "team will look at gentler options with you — breathing space, a small token "
            "payment, or a date to review things — and reply here, usually within a working "
            "day."
        ),
    ),
    "negotiate.relief": Message(
        N_(
            "Yes — I can bring the rate down to {apr}% a year and waive {waived} of interest. "
            "Here is what that looks like:"
        )
    ),
    "negotiate.relief_free": Message(
        N_(
            "Yes — I can freeze the interest (0%) and waive {waived} of interest already "
            "charged. Here is what that looks like:"
        )
    ),
    "negotiate.relief_rate": Message(
        N_("Yes — I can bring the rate down to {apr}% a year. Here is what that looks like:")
    ),
    "negotiate.relief_none": Message(
        N_(
            "The rate on your plans is already the lowest I'm allowed to offer ({apr}% a "
            "year), and I can't waive more interest myself. A person from our team can look "
            "at it with you."
        )
    ),
    "offer.unsure": Message(
        N_(
            "That's fine — there's no rush. Option 1 is the one that fits best what you told "
            "me. Would you like to go with it? Tap 1, or tell me what you could manage."
        )
    ),
    "negotiate.lump_counter": Message(
        N_(
            "Thank you for offering {amount}. I can accept {total} in one payment if it is "
            "paid by {pay_by} — that is {discount} off your balance."
        )
    ),
    # --- negotiate -----------------------------------------------------------------------
    "negotiate.counter": Message(
        neutral=N_("Thank you. With {amount} a month in mind, here is what I can do:"),
        sanguine=N_(
            "Great, we're getting there! With {amount} a month in mind, here's what works:"
        ),
        choleric=N_("Understood. For about {amount} a month:"),
        phlegmatic=N_("Thank you. Let's look at {amount} a month together. Here is what fits:"),
        melancholic=N_(
            "Thank you for being open with me. I've looked again with {amount} a month in mind:"
        ),
    ),
    "negotiate.below_min": Message(
        neutral=N_(
            "I understand. The lowest monthly payment I can offer is {min_monthly}. Could that "
            "work for you?"
        ),
        sanguine=N_(
            "We're close! The lowest monthly payment I can offer is {min_monthly}. Could you "
            "make that work?"
        ),
        choleric=N_("The lowest I can go is {min_monthly} a month. Can you do that?"),
        phlegmatic=N_(
            "Let's check one thing: the lowest monthly payment I can offer is {min_monthly}. "
            "Would that be manageable?"
        ),
        melancholic=N_(
            "I can see you're doing your best. The lowest monthly payment I'm able to offer is "
            "{min_monthly}. Would that be possible without going short on essentials?"
        ),
    ),
    "negotiate.limits_reached_none": Message(
        N_(
            "I'm sorry — I can't find a plan within what I'm allowed to agree. A person from "
            "our team can look at more options with you and will reply here, usually within "
            "a working day."
        )
    ),
    "negotiate.below_min_again": Message(
        N_(
            "I hear you. I still can't go below {min_monthly} a month myself. Could you manage "
            "that, or would you like a person from our team to look at it?"
        )
    ),
    "negotiate.amount_again": Message(
        N_("Please type the amount you could manage each month, like 150.")
    ),
    "negotiate.limits_reached": Message(
        neutral=N_(
            "I'm sorry — {min_monthly} a month is the lowest I can agree myself. A person from "
            "our team can look at more options with you and will reply here, usually within "
            "a working day."
        ),
        sanguine=N_(
            "Thanks for working through this with me! {min_monthly} a month is as low as I can "
            "go, but a person from our team can look further. They'll reply here, usually "
            "within a working day."
        ),
        choleric=N_(
            "{min_monthly} a month is my limit. A person who can decide more will reply here, "
            "usually within a working day."
        ),
        phlegmatic=N_(
            "Here's what happens next: {min_monthly} a month is the lowest I can agree, so I'm "
            "passing your case to a person from our team. They'll reply here, usually within "
            "a working day. You don't need to do anything now."
        ),
        melancholic=N_(
            "I'm sorry I can't go lower than {min_monthly} a month myself. You're not on your "
            "own with this: a person from our team will look at more options with you and "
            "reply here, usually within a working day."
        ),
    ),
    # --- agree ---------------------------------------------------------------------------
    "agree.summary": Message(N_("You chose:")),
    "agree.ask_consent": Message(
        N_("Do you agree to this plan? It is only set up when you say yes.")
    ),
    "agree.consent_again": Message(N_("Please tap Yes to agree, or No to go back.")),
    "agree.declined": Message(N_("No problem. Here are the options again.")),
    "agree.done": Message(
        neutral=N_(
            "Your plan is set up. Your payment reference is {reference} — please use it with "
            "every payment. I'll send a reminder ahead of each due date.\nSchedule:\n{schedule}"
        ),
        sanguine=N_(
            "Well done — your plan is set up! Your payment reference is {reference}. I'll send "
            "a reminder ahead of each due date. You've got this.\nSchedule:\n{schedule}"
        ),
        choleric=N_("Done. Payment reference: {reference}.\nSchedule:\n{schedule}"),
        phlegmatic=N_(
            "All set. What happens next:\n1. Use the payment reference {reference} with each "
            "payment.\n2. I'll send a reminder ahead of each due date.\n3. Your dates:\n"
            "{schedule}"
        ),
        melancholic=N_(
            "Thank you — this is a real step forward. Your payment reference is {reference}. "
            "I'll send a reminder ahead of each due date, and if things change, just write "
            "here.\nSchedule:\n{schedule}"
        ),
    ),
    # --- handoff -------------------------------------------------------------------------
    "handoff.human": Message(
        N_(
            "I'll bring in a person from our team. They'll reply here, usually within a "
            "working day."
        )
    ),
    "handoff.approval_needed": Message(
        N_(
            "A person from our team needs to look at your account before we go on. They'll "
            "reply here, usually within a working day."
        )
    ),
    "handoff.back": Message(N_("Thanks for waiting — I'm back to help.")),
    # To a debtor who writes while waiting for a person (now and then, not every message).
    "handoff.waiting": Message(
        N_(
            "Thank you — our team has your message. A person will reply here as soon as "
            "they can, usually within a working day."
        )
    ),
    "handoff.waiting_urgent": Message(
        N_(
            "Our team has your message, and a person will reply here very soon. If you'd "
            "like to talk to someone straight away, free and at any time:"
        )
    ),
    "agent_plan.lapsed": Message(
        N_(
            "I'm sorry — that plan's offer has lapsed. A person from our team will send you "
            "an up-to-date one here."
        )
    ),
    # --- guard ---------------------------------------------------------------------------
    "guard.self_harm": Message(
        N_(
            "I'm really sorry you're feeling this way. Let's set payments aside — they can "
            "wait. Please talk to someone now, free and at any time:"
        )
    ),
    # Before verification (issue 11): nothing that implies a debt, to anyone.
    "guard.self_harm_unverified": Message(
        N_(
            "I'm really sorry you're feeling this way. Everything else can wait. Please talk "
            "to someone now, free and at any time:"
        )
    ),
    "crisis.US": Message(N_("• Call or text {line} (Suicide & Crisis Lifeline)")),
    "crisis.GB": Message(N_("• Call {line}")),
    "crisis.CN": Message(N_("• Call the mental health helpline {line}")),
    "crisis.in_US": Message(N_("• In the US: call or text {line}")),
    "crisis.in_GB": Message(N_("• In the UK: call {line}")),
    "crisis.local": Message(N_("• Call {line}")),
    "guard.self_harm_after_any": Message(
        N_(
            "If you are in immediate danger, call your local emergency number. A person from "
            "our team will also check in with you here soon."
        )
    ),
    "guard.self_harm_after": Message(
        N_(
            "If you are in immediate danger, call {emergency}. A person from our team will "
            "also check in with you here soon."
        )
    ),
    "guard.self_harm_after_stop_any": Message(
        N_(
            "If you are in immediate danger, call your local emergency number. We won't "
            "message you here again unless you send START."
        )
    ),
    "guard.self_harm_after_stop": Message(
        N_(
            "If you are in immediate danger, call {emergency}. We won't message you here "
            "again unless you send START."
        )
    ),
    # Said before verification too: a word about payments would tell a third party there
    # is a debt (DESIGN: never tell a third party about the debt).
    "guard.deceased": Message(
        N_(
            "I'm so sorry for your loss. A person from our team will help you here, usually "
            "within a working day."
        )
    ),
    "guard.bankruptcy": Message(
        N_(
            "Thank you for letting us know. We'll pause collection, and a person from our team "
            "will take it from here, usually within a working day."
        )
    ),
    "guard.attorney": Message(
        N_(
            "Thank you. Please send your representative's name and contact details here, and "
            "we'll deal with them directly. A person from our team will take over, usually "
            "within a working day."
        )
    ),
    "guard.attorney_noted": Message(
        N_(
            "Thank you — we've noted your representative's details and will deal with them "
            "directly. A person from our team will take over, usually within a working day."
        )
    ),
    "guard.cease_contact": Message(
        N_("Understood. We won't message you here again. If you change your mind, send START.")
    ),
    "guard.wellbeing": Message(
        N_(
            "If you're going through something hard right now, you can talk to someone, free "
            "and at any time:"
        )
    ),
    "guard.dispute": Message(
        N_(
            "Thank you for telling us. We've paused collection while a person from our team "
            "looks into it. They'll reply here, usually within a working day."
        )
    ),
    "guard.dispute_us": Message(
        N_(
            "Thank you for telling us. We'll treat this as your written dispute and pause "
            "collection while a person from our team looks into it. They'll reply here, "
            "usually within a working day."
        )
    ),
    "guard.servicemember": Message(
        N_(
            "Thank you for telling us about your service. A person from our team who handles "
            "this will take over, usually within a working day."
        )
    ),
    "guard.third_party": Message(
        N_(
            "I'm sorry to have troubled you. We can only speak with the account holder, so we "
            "won't share anything here. Take care."
        )
    ),
    # A chat that said it is not the account holder, then answered the checks (issue 11).
    "guard.third_party_checked": Message(
        N_(
            "Thank you. As you told us you aren't the account holder, I can't share anything "
            "here: we can only speak with the account holder. A person from our team will "
            "check and reply here, usually within a working day."
        )
    ),
    # Before verification, in place of replies that would imply a debt (issue 11).
    "guard.noted": Message(
        N_(
            "Thank you for telling me. I'll pass this to a member of our team, who will get in "
            "touch here, usually within a working day."
        )
    ),
    "guard.complaint": Message(
        N_(
            "I'm sorry we've let you down. I've passed your complaint to our team; a person "
            "will reply here, usually within a working day."
        )
    ),
    "guard.vulnerability": Message(
        N_(
            "Thank you for telling me. We'll take this at your pace, and you can stop any "
            "time. If you'd rather talk to a person, tap below."
        )
    ),
    "guard.abuse": Message(
        N_(
            "I want to help, and I'll keep this respectful on my side too. Let's carry on "
            "when you're ready."
        )
    ),
    "guard.abuse_handoff": Message(
        N_(
            "I'll pass this conversation to a person from our team. They'll reply here, "
            "usually within a working day."
        )
    ),
    "guard.hardship": Message(
        N_("I'm sorry things are hard right now. Let's find something that fits.")
    ),
    # --- commands and endings ------------------------------------------------------------
    "help.text": Message(
        N_(
            "I can help you review your account and agree a payment plan that fits.\n"
            "/human — talk to a person\n/language — change language\n"
            "STOP — stop messages from us"
        )
    ),
    "language.choose": Message(N_("Which language would you like?")),
    "language.set": Message(N_("OK, I'll write in English from now on.")),
    "closed.again": Message(
        N_(
            "This conversation has ended. Send /start to begin again, or /human to talk to a "
            "person."
        )
    ),
    # --- proactive (``parley reminders run``) --------------------------------------------
    "reminder.instalment": Message(
        N_(
            "{creditor}: a friendly reminder that payment {number} of your plan, {amount}, is "
            "due on {due} (payment reference {reference}). If something has changed, just "
            "reply and we'll work it out. Reply STOP to stop these messages."
        )
    ),
    "closed.agreed": Message(
        N_(
            "Your plan is in place — payment reference {reference}. Send /human if you need a "
            "person."
        )
    ),
    "button.expired": Message(
        N_(
            "That button belongs to an earlier message, so it no longer works. Please use "
            "the latest one, or type your answer."
        )
    ),
    "error.internal": Message(
        N_(
            "Sorry, something went wrong on my side. A person from our team will pick this up "
            "here, usually within a working day."
        )
    ),
    # --- issue 11: questions, sums, returns, feelings (dialogs/answers.py) ---------------
    "kind.other": Message(
        N_(
            "I hear you, and there's no judgement here — lots of people go through this. "
            "Let's take it one step at a time."
        )
    ),
    "amount.weekly": Message(N_("{amount} a week comes to about {monthly} a month.")),
    "amount.fortnightly": Message(
        N_("{amount} every two weeks comes to about {monthly} a month.")
    ),
    "amount.once_or_monthly": Message(N_("Just to be sure: {amount} once, or per month?")),
    "offer.ask_lump": Message(
        N_(
            "Paying in one go is possible. How much could you pay in one payment? Type a "
            "figure, like 2000."
        )
    ),
    "offer.what_if": Message(N_("With {amount} a month, here is what I can do:")),
    "offer.lump_sum": Message(
        N_("Thank you. For one payment of {amount}, here is what I can do:")
    ),
    "negotiate.lump_below_min": Message(
        N_(
            "Thank you for offering {amount} in one payment. The smallest single payment I "
            "can agree is {least}. Could you manage that, or would a monthly plan suit you "
            "better?"
        )
    ),
    "negotiate.lump_below_min_again": Message(
        N_(
            "The smallest single payment I can agree is {least}. Could you manage that, or "
            "would a monthly plan suit you better?"
        )
    ),
    "negotiate.lump_far_below": Message(
        N_(
            "Thank you for offering {amount} in one payment. The smallest single payment I "
            "can agree is {least}, well above that, so I won't ask you to stretch to it. A "
            "monthly plan may fit better, or a person from our team can look at it with you."
        )
    ),
    "negotiate.lump_none": Message(
        N_(
            "Thank you for offering {amount} in one payment. I can't agree a single payment "
            "myself; a person from our team can look at it with you and will reply here, "
            "usually within a working day."
        )
    ),
    "return.verify": Message(N_("We were checking it's you.")),
    "return.disclose": Message(N_("I'd shown you your balance of {balance}.")),
    "return.situation": Message(N_("We were looking at what would fit your situation.")),
    "return.offer": Message(N_("We were looking at your options.")),
    "return.agree": Message(N_("You'd chosen option {n}; nothing is set up until you say yes.")),
    "answer.after_verify": Message(
        N_("Once you've confirmed it's you, I can go through the details with you.")
    ),
    "answer.who_before": Message(
        N_(
            "I'm the assistant for {creditor}. We're writing about a private matter that I "
            "can only discuss with the account holder, once I've checked it's you. We use "
            "the contact details {creditor} has on file."
        )
    ),
    "answer.who": Message(
        N_(
            "I'm the assistant for {creditor}. We're in touch about your account with "
            "{creditor}, to help you agree a payment plan that works for you. We use the "
            "contact details {creditor} has on file for you."
        )
    ),
    "answer.sue": Message(
        N_(
            "Our aim is to agree a plan you can manage. Any further step would have to "
            "follow the law, and you would always be told in writing first."
        )
    ),
    "answer.which_wrong": Message(
        N_(
            "For your security, we never say which answer didn't match — that way nobody "
            "can work out your details one at a time."
        )
    ),
    "answer.next.verify": Message(
        N_(
            "First I check it's you with two quick questions; then I can go through the "
            "details with you."
        )
    ),
    "answer.next.disclose": Message(
        N_(
            "Next, if you like, we look at options that fit your situation. Nothing is "
            "agreed until you say yes."
        )
    ),
    "answer.next.situation": Message(
        N_(
            "A couple of quick questions, then I'll show you plans that fit. Nothing is "
            "agreed until you say yes."
        )
    ),
    "answer.next.offer": Message(
        N_(
            "Pick the option that suits you. I'll show you the whole schedule and ask you "
            "to confirm before anything is set up."
        )
    ),
    "answer.next.negotiate": Message(
        N_(
            "Pick the option that suits you. I'll show you the whole schedule and ask you "
            "to confirm before anything is set up."
        )
    ),
    "answer.next.agree": Message(
        N_(
            "If you say yes, your plan is set up: you get a payment reference and a "
            "reminder before each due date. If you say no, we go back to the options."
        )
    ),
    "answer.rate_one": Message(N_("The interest rate (APR) of your plan:")),
    "answer.total_one": Message(N_("What your plan costs in total:")),
    "answer.waived_one": Message(N_("What your plan waives:")),
    "answer.first_due_one": Message(N_("When your first payment is due:")),
    "answer.next.closed": Message(
        N_(
            "Your plan is set up: pay each instalment with your payment reference, and I'll "
            "send a reminder before each due date. If anything changes, just write here."
        )
    ),
    "answer.rate": Message(N_("The interest rate (APR) of each option:")),
    "answer.rate_plan": Message(N_("{n}. {apr}% a year (APR)")),
    "answer.rate_frozen": Message(N_("{n}. 0% — interest is frozen")),
    "answer.rate_one_off": Message(N_("{n}. One payment, so no interest")),
    "answer.rate_account": Message(
        N_(
            "Your account's rate is {apr}% a year (APR). The plans I can offer may carry a "
            "lower rate."
        )
    ),
    "answer.total": Message(N_("What each option costs in total:")),
    "answer.total_plan": Message(N_("{n}. {total} in total")),
    "answer.total_balance": Message(
        N_("In all you owe {balance}: principal {principal}, interest {interest}, fees {fees}.")
    ),
    "answer.waived": Message(N_("What each option waives:")),
    "answer.waived_plan": Message(
        N_(
            "{n}. You save {saved} (fees waived {fees}, interest waived {interest}, "
            "discount {discount})"
        )
    ),
    "answer.waived_none": Message(N_("{n}. Nothing waived")),
    "answer.waived_later": Message(
        N_(
            "Nothing is waived yet. Each plan I show you says what it waives — that depends "
            "on what you can pay."
        )
    ),
    "answer.first_due": Message(N_("When the first payment of each option is due:")),
    "answer.first_due_plan": Message(N_("{n}. {due}")),
    "answer.first_due_later": Message(
        N_(
            "The first payment date depends on the plan; you'll see it, with the whole "
            "schedule, before you agree to anything."
        )
    ),
    "answer.breakdown": Message(
        N_("Balance: {balance}\n• Principal: {principal}\n• Interest: {interest}\n• Fees: {fees}")
    ),
    "answer.statement_us": Message(
        N_(
            "Here is the validation information for this debt. The creditor is {creditor}; "
            "what is owed now:"
        )
    ),
    "answer.statement_copy": Message(
        N_("You can also have it in writing: tap below and a person from our team will send it.")
    ),
    "answer.statement": Message(N_("Here is your account with {creditor} as it stands:")),
    "answer.statement_person": Message(
        N_(
            "For the full statement or your contract, a person from our team sends it: tap "
            "below and they'll reply here, usually within a working day."
        )
    ),
    "button.sum_once": Message(N_("Once")),
    "button.sum_monthly": Message(N_("Per month")),
    "button.lump_accept": Message(N_("Yes, {amount} in one payment")),
    "button.monthly_plan": Message(N_("A monthly plan instead")),
    # --- button labels -------------------------------------------------------------------
    "button.human": Message(N_("Talk to a person")),
    "button.options": Message(N_("Let's look at options")),
    "button.later": Message(N_("Not now")),
    "button.reason.job_loss": Message(N_("Job loss or less income")),
    "button.reason.illness": Message(N_("Illness")),
    "button.reason.family_emergency": Message(N_("Family emergency")),
    "button.reason.business_trouble": Message(N_("Business trouble")),
    "button.reason.other": Message(N_("Something else")),
    "button.recovery.soon": Message(N_("Within a month")),
    "button.recovery.months": Message(N_("In 1–3 months")),
    "button.recovery.unsure": Message(N_("Longer, or not sure")),
    "button.recovery.lasting": Message(N_("It won't come back")),
    "button.not_sure": Message(N_("I'm not sure")),
    "button.budget": Message(N_("Help me work it out")),
    "button.rather_not_say": Message(N_("I'd rather not say")),
    "button.budget_use": Message(N_("Yes, {amount} a month")),
    "button.accept_plan": Message(N_("Accept this plan")),
    "button.option": Message(N_("Option {n}")),
    "button.none_fit": Message(N_("None of these fit")),
    "button.min_accept": Message(N_("Yes, I can do that")),
    "button.agree": Message(N_("Yes, I agree")),
    "button.back": Message(N_("No, go back")),
    "button.lang.en": Message(N_("English")),
    "button.lang.zh_CN": Message(N_("中文")),
}
