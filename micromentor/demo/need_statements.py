"""What mentees actually ask for, per topic area, with details filled in."""

from __future__ import annotations

import random

NEEDS: dict[str, list[str]] = {
    "clarifying-goals": [
        "I am in my {years} year on faculty in {unit} and pulled between clinical,"
        " teaching and research work. I want help deciding what to focus on for the"
        " next three years.",
        "My department chair asked me to write a five-year plan for my annual review"
        " and I am not sure how ambitious it should be. I would like to talk it"
        " through with someone outside {unit}.",
        "I am weighing whether to move from a clinician-educator role toward"
        " {direction}; I want a sounding board before I raise it with my chief.",
    ],
    "teaching-portfolio": [
        "My promotion packet is due next {season} and my teaching portfolio is a list"
        " of lectures. I need help turning it into evidence of {evidence}.",
        "I teach in the {course} and precept residents in {unit}. How do I document"
        " that work, and the learner evaluations, in a teaching portfolio?",
        "I have never assembled a teaching portfolio and would like to see how an"
        " experienced educator organises philosophy, activities and outcomes.",
    ],
    "research-agenda": [
        "I have three small projects in {field} that do not add up to a coherent"
        " program. I want help shaping them into a research agenda I can fund.",
        "After my fellowship I kept collaborating on other people's studies. I need"
        " to define my own question in {field} before my K award application.",
        "My protected time ends in {months} months; I want advice on narrowing my"
        " research focus so I have a fundable story by then.",
    ],
    "research-collaborations": [
        "I would like to find a collaborator in {other_unit} for a study on {field};"
        " how do people here usually start those conversations?",
        "I have a dataset from {unit} that needs biostatistics and basic-science"
        " partners. I want advice on approaching a senior investigator.",
        "Two multi-site collaborations fell apart last year. I want to learn how to"
        " set expectations about authorship and data sharing at the start.",
    ],
    "service-opportunities": [
        "I have been asked to join {committee} and the curriculum committee and can"
        " only do one. Which service helps a junior faculty member most?",
        "I say yes to every service request and it is eating my academic time. I"
        " want help choosing service that counts toward promotion.",
        "I would like to take on a national service role in {society}; how do I get"
        " nominated and how much time does it really take?",
    ],
    "professional-network": [
        "I moved here from another institution {months} months ago and know few people"
        " outside {unit}. I want advice on building a network across the school.",
        "I would like to build relationships with leaders in {society} before the"
        " annual meeting. How do I approach people I have only cited?",
        "I am the only faculty member in {unit} working on {field} and need to find"
        " peers elsewhere.",
    ],
    "mentoring-others": [
        "I have just become the research mentor for two medical students and a"
        " resident. I want to learn how to set expectations and give feedback.",
        "I now supervise a research coordinator and a postdoc in {unit}. How do I"
        " mentor people whose goals differ from mine?",
        "I was asked to direct the {course} advising program; I want practical"
        " guidance on mentoring learners who are struggling.",
    ],
    "responding-to-feedback": [
        "My teaching evaluations dropped this year with comments about {issue}. I"
        " want help reading them constructively and deciding what to change.",
        "I received difficult patient-experience feedback in {unit} and want to talk"
        " through how to respond without becoming defensive.",
        "My 360 review as a new section lead mentioned {issue}. I would like advice"
        " on acting on it.",
    ],
    "academic-promotion": [
        "I am in {unit} and plan to go up for promotion in"
        " {year}. I want help understanding the criteria for my track and how to"
        " prepare the dossier.",
        "I am unsure whether I am on the right track (clinician-educator versus"
        " investigator) for promotion and what the committee expects in {year}.",
        "My promotion was deferred last cycle; I want to understand the feedback and"
        " plan the next submission.",
        "I would like someone who has served on the appointments and promotions"
        " committee to review my CV and external letter strategy.",
    ],
    "work-life-balance": [
        "I returned from parental leave {months} months ago and am struggling to fit"
        " clinical weeks, research and family. I want strategies that work here.",
        "I care for an aging parent and keep falling behind on writing. How do"
        " others protect time without hurting their careers?",
        "My clinical load in {unit} grew this year and I am close to burnout. I want"
        " to talk with someone who has been through it.",
    ],
    "workplace-politics": [
        "A senior colleague in {unit} keeps taking credit for work my team did. I"
        " want advice on handling it without damaging the relationship.",
        "Our division is merging with another and roles are unclear. How do I"
        " protect my program during the reorganisation?",
        "I disagree with my division chief about how {resource} is shared and do not"
        " know how to raise it.",
    ],
    "managing-expectations": [
        "I agreed to too many projects in my first year and am missing deadlines. I"
        " want help renegotiating commitments with my chief.",
        "My effort is split between {unit} and a research center and each expects"
        " full-time work. How do I set realistic expectations with both?",
        "My research team expects faster feedback than I can give. I want advice on"
        " setting norms for turnaround and availability.",
    ],
    "educator-development": [
        "I want to grow from giving lectures to designing the {course}. What"
        " training or roles should I pursue?",
        "I am interested in a master's in health professions education and want to"
        " know whether it is worth it for someone in {unit}.",
        "I would like to start doing education research on {field}; how do I turn"
        " my teaching into scholarship?",
    ],
    "researcher-development": [
        "I am preparing my first R01 on {field} and want feedback on the specific"
        " aims from someone who has reviewed for NIH.",
        "My K award ends in {months} months. I want to plan the transition to"
        " independent funding.",
        "I would like to learn how to run a lab budget and hire my first research"
        " staff.",
    ],
    "clinician-development": [
        "I want to build a subspecialty clinic in {field} within {unit}; how do I"
        " make the case to leadership?",
        "I am considering additional training in {field} mid-career and want to"
        " understand how others managed it.",
        "I would like advice on becoming a recognised clinical expert, including"
        " invited talks and guideline committees.",
    ],
    "leader-development": [
        "I have just been named {role} in {unit} and have never managed people. I"
        " want help with the first six months.",
        "I would like to prepare for a division chief role in the next few years."
        " Which leadership programs and experiences matter?",
        "I lead a quality-improvement team in {unit} and struggle to hold peers"
        " accountable. I want advice on leading without formal authority.",
    ],
}

_FILL = {
    "years": ["second", "third", "fourth", "sixth"],
    "direction": ["health-services research", "medical education leadership"],
    "season": ["spring", "fall"],
    "evidence": ["teaching effectiveness", "educational impact beyond my division"],
    "course": ["second-year pathophysiology block", "clerkship", "residency program"],
    "field": [
        "health disparities",
        "sepsis outcomes",
        "medical education",
        "digital health",
        "cardio-oncology",
        "implementation science",
        "palliative care",
    ],
    "months": ["six", "nine", "twelve", "eighteen"],
    "committee": ["the faculty senate", "the IRB", "the admissions committee"],
    "society": ["my specialty society", "the regional medical association"],
    "issue": ["pacing", "feeling unapproachable", "unclear expectations"],
    "resource": ["protected time", "research space", "clinic staff"],
    "role": ["associate program director", "section lead", "vice chair for education"],
    "year": ["2027", "2028"],
}

_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_CLOSINGS = [
    "",
    "",
    " I am free most {day} afternoons.",
    " I am on service until the end of the month, so {day}s work best after that.",
    " Early mornings before clinic suit me, especially {day}.",
    " One conversation may be enough; a follow-up would be welcome.",
    " I would value a perspective from outside my department.",
]


def need_statement(rng: random.Random, topic: str, unit: str, other_unit: str) -> str:
    """A mentee's need in their own words for ``topic``, details chosen by ``rng``."""
    template = rng.choice(NEEDS[topic])
    values = {name: rng.choice(options) for name, options in _FILL.items()}
    closing = rng.choice(_CLOSINGS).format(day=rng.choice(_DAYS))
    return template.format(unit=unit, other_unit=other_unit, **values) + closing
