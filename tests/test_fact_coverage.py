"""Every fact in the source material can be reached by asking for it the way a user would.

Each case is a question a user might type and the strings its answer must contain (the text the
user reads, facts filled in). The questions are written for these tests; they are not the
patterns in the knowledge base word for word.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.render import render_plain
from bot.state import ConversationState

CASES = [
    ("How long do you get to take the CPC exam?", ["4 hours"]),
    ("whats CRC in medical coding", ["Certified Risk Adjustment Coder"]),
    ("In 2011, what was the average pay for coders working in general hospitals?",
     ["$37,960"]),
    ("how many CE hours does a CTR need", ["20 continuing-education hours", "ODS"]),
    ("is a certificate enough or do i need an associates", ["enough", "postsecondary certificate"]),
    # what a source does not say is said plainly, first
    ("i read insurers pay coders 64170 on average, is that legit", ["unconfirmed"]),
    ("who is in charge of the CPT codes", ["American Medical Association"]),
    ("do coding courses cover quality improvement methods", ["was not found", "2019-20"]),
    ("does grand canyon university offer medical coding", ["no coding"]),
    ("is there info on purdue global's coding programs", ["were not found"]),
    ("what does coding school cost in total", ["not published"]),
    ("does bls say you need work experience first", ["no work experience"]),
    # pay: median, mean, hourly, history, comparison
    ("what is the median coder salary", ["$50,250", "May 2024"]),
    ("what do coders make per hour", ["$24.16"]),
    ("hourly wage history for coders", ["$15.55", "$17.84", "$19.40", "$21.20"]),
    ("what is the mean wage for medical records specialists", ["$53,690", "mean"]),
    ("average annual salary medical records specialist oews", ["$53,690"]),
    ("mean hourly wage for coders", ["$25.82"]),
    ("what was the median pay in 2021", ["$46,660", "May 2021"]),
    ("how much did coders make in 2020", ["$44,090"]),
    ("what did medical coders earn back in 2018", ["$40,350"]),
    ("coder salary in 2010", ["$32,350"]),
    ("has coder pay gone up over the years", ["$37,110", "$50,250", "wider group"]),
    ("is there a 2025 salary figure", ["$51,140", "unconfirmed"]),
    ("how does coder pay compare to the national average wage", ["$65,470", "$53,690"]),
    ("what do the top 10 percent of coders make", ["$77,810"]),
    ("lowest 10 percent coder pay", ["$35,080"]),
    ("which state pays coders most", ["Washington", "$64,250"]),
    ("what is the lowest paying state", ["Mississippi"]),
    ("what do coders make at insurance companies", ["$64,170", "unconfirmed"]),
    ("pay in hospitals vs doctors offices", ["$37,960", "$30,120", "May 2011"]),
    ("what did coders earn in 2006", ["$28,030", "May 2006"]),
    ("was there a may 2022 median", ["May 2022 not found"]),
    ("what was the mean coder pay in 2011", ["$35,920", "$33,310"]),
    ("coder pay percentiles in 2011", ["$21,680", "$55,170"]),
    ("how many coders were employed in may 2011", ["180,280", "67,340"]),
    ("is the 2025 salary number confirmed", ["$51,140", "unconfirmed"]),
    ("i saw a median of 48,890 is that right", ["$48,890", "not used"]),
    ("which figures were read on bls.gov", ["$44,090", "May 2020"]),
    ("when was the may 2023 wage data released", ["April 3, 2024"]),
    ("how up to date are your pay numbers", ["May 2024", "$46,660", "out of date"]),
    ("how current is your data", ["May 2024", "2024–34"]),
    # jobs and projections
    ("how many coding jobs were there in 2010", ["179,500", "188,600"]),
    ("how many medical records jobs in 2019", ["341,600", "not comparable"]),
    ("how many coders were employed in 2021 per oews", ["180,570"]),
    ("how many new jobs were projected for 2021 to 2031", ["+12,300"]),
    ("how many jobs was bls expecting to add 2010-2020", ["+37,700"]),
    ("projected job growth 2018-2028 in numbers", ["+23,100"]),
    ("how many new jobs by 2034", ["no count of jobs added found"]),
    ("do coders work weekends", ["weekend"]),
    ("what percent of coders work part time", ["is not published", "bls.gov/ooh"]),
    # AAPC salary surveys
    ("older aapc salary survey numbers", ["$54,890", "5.8%", "$51,889"]),
    ("certified vs non certified pay", ["$55,923", "$42,015", "33%"]),
    ("median cpc salary", ["$58,895"]),
    ("what does a CPC make according to aapc", ["$58,055"]),
    ("average salary for a COC", ["$62,846"]),
    ("what does a coder with the cic earn", ["$57,936"]),
    # each credential's full name
    ("rhit full form", ["Registered Health Information Technician"]),
    ("what is cca short for", ["Certified Coding Associate"]),
    ("pay for coders holding three or more credentials", ["$70,608", "$81,227"]),
    ("how much more do certified coders make than uncertified ones", ["$60,097", "27%"]),
    ("how much do CIC coders make", ["$57,936"]),
    ("median pay for a cpb", ["$56,981"]),
    ("do coders with two credentials earn more", ["$64,890", "$70,608"]),
    ("does having 3 credentials increase salary", ["$70,608"]),
    ("what was the average cpc salary in 2018", ["$54,401"]),
    ("aapc salary survey results", ["$54,797", "$60,097", "$47,200"]),
    ("what is the average salary of aapc certified coders now", ["$66,979"]),
    ("what do non certified coders make", ["$47,200"]),
    # CPC exam and apprentice status
    ("what is the CPC exam format", ["100 multiple-choice", "4 hours"]),
    ("passing score cpc", ["70%"]),
    ("is the cpc exam open book", ["CPT Professional Edition"]),
    ("what topics are on the cpc exam", ["evaluation and management", "anesthesia", "17 areas"]),
    ("how long do you get for the cpc test", ["4 hours"]),
    ("how long should I study for the cpc", ["6-12 weeks", "4-6 months"]),
    ("how many hours a week to study for cpc", ["10-15 hours a week"]),
    ("how long to study for the ccs", ["We don't know study times for the CCS"]),
    ("whats the old rule for removing the apprentice", ["older rule", "together"]),
    ("what setting is the crc for", ["health plans", "Medicare Advantage"]),
    ("are 4 month coding courses enough", ["4-12 month"]),
    ("who codes drgs inpatient or outpatient coders", ["Inpatient coders (CIC, CCS)"]),
    ("do you learn data abstraction in a coding program", ["data abstraction"]),
    ("is certification required for coders", ["often required"]),
    ("what is a CPC-A", ["apprentice", "two years"]),
    ("how do I get rid of the A on my CPC", ["two years", "80 contact hours", "Practicode"]),
    ("how can i remove the apprentice from my cpc-a", ["80 contact hours"]),
    # other credentials
    ("what is a COC", ["Certified Outpatient Coder", "CPC-H"]),
    ("how many questions are on the COC exam", ["100 multiple-choice", "4 hours"]),
    ("what is a CIC certification", ["inpatient", "ICD-10-PCS"]),
    ("how long is the cic exam", ["4 hours", "7 inpatient cases"]),
    ("what is the ccs-p", ["Physician-based", "121 questions"]),
    ("how many people hold the ccs", ["36,925"]),
    ("who can take the RHIA exam", ["bachelor's", "CAHIIM"]),
    ("what do i need to sit for the rhit", ["CAHIIM", "associate"]),
    ("is the rhit an organization", ["credential", "AHIMA"]),
    ("how much does the coc exam cost", ["don't have a current fee for the COC", "aapc.com"]),
    ("how much was the cic exam", ["$350"]),
    ("was the cpc exam cheaper before", ["$399"]),
    ("what is the pass mark for the crc", ["70%", "CRC"]),
    ("cic passing score", ["no pass mark for the COC, CIC"]),
    ("how many questions are scored on the ccs", ["79 scored", "6 scored"]),
    ("how long is the rhit exam", ["no RHIT exam length or fee"]),
    ("what credentials were renamed", ["CPC-H", "January 1, 2024", "fiscal year 2008"]),
    ("what is cpc-h", ["COC"]),
    ("does the ccs need to be renewed", ["every two years"]),
    ("does pcap make me eligible for the ccs-p", ["CCS-P"]),
    # code sets and DRGs
    ("how many digits is a cpt code", ["five digits"]),
    ("who owns cpt codes", ["American Medical Association"]),
    ("what is a category iii cpt code", ["Category III", "four digits plus T"]),
    ("how many characters is an icd-10-cm code", ["3 to 7 characters"]),
    ("how many characters in icd-10-pcs", ["seven characters", "inpatient"]),
    ("difference between icd-10-cm and icd-10-pcs", ["diagnoses", "procedures"]),
    ("what agency maintains icd-10-cm", ["National Center for Health Statistics"]),
    ("what does a hcpcs code look like", ["a letter plus four digits"]),
    ("what is hcpcs level 1", ["CPT"]),
    ("when did drgs begin", ["October 1983"]),
    ("how many ms-drgs are there", ["765"]),
    ("what are hipaa code sets", ["HIPAA", "CPT and HCPCS"]),
    ("what is a drg weight", ["average resources"]),
    ("how many mdcs are there", ["25 major diagnostic categories"]),
    ("how does the drg set the payment per discharge", ["per inpatient discharge"]),
    ("how often are drgs updated", ["at least yearly"]),
    ("did icd-10 replace cpt", ["still code procedures with CPT"]),
    ("which health plans use risk adjustment", ["ACA and Medicaid", "CMS-HCC"]),
    ("do coders schedule appointments", ["scheduling appointments", "O*NET"]),
    ("do coders assign patients to drgs", ["assign patients to DRGs"]),
    ("what does onet say coders do", ["population health statistics"]),
    ("onet definition of a medical records specialist", ["compile, process and maintain"]),
    # skills
    ("what does integrity mean for a coder", ["exercise discretion and act ethically"]),
    ("why does a coder need to be detail oriented", ["codes must be exact"]),
    ("what computer skills do coders need", ["computer skills"]),
    # cancer registrars
    ("what is a CTR", ["ODS", "January 1, 2024"]),
    ("how many ceus for the ctr", ["20 continuing-education hours"]),
    ("do ctrs earn more", ["$25,000"]),
    ("what is the certified tumor registrar called today", ["ODS", "Oncology Data Specialist"]),
    # the CRC
    ("who is the crc exam meant for", ["Certified Risk Adjustment Coder", "high-level exam"]),
    ("how many questions does the crc exam have", ["100 multiple-choice questions"]),
    # accreditation and schools
    ("who accredits medical coding programs", ["CAHIIM"]),
    ("is the cahiim accreditation voluntary", ["voluntary", "CHEA"]),
    ("what is pcap", ["AHIMA", "150"]),
    ("who accredits schools vs programs", ["institutional", "CAHIIM"]),
    ("is snhu accredited", ["NECHE"]),
    ("is penn foster accredited", ["DEAC"]),
    ("how much does gcu cost per credit", ["$485 per credit", "120 credits", "$515 per credit"]),
    ("tuition per credit at snhu", ["don't have tuition"]),
    ("what is cahme", ["CAHME", "National University"]),
    ("is snhu cahiim accredited", ["NECHE", "no CAHIIM-accredited program"]),
    ("what is acbsp", ["ACBSP", "Liberty"]),
    ("does gcu have medical coding", ["Healthcare Administration", "could not find"]),
    ("does wake forest have coding", ["Healthcare Leadership"]),
    ("what setting is the coc used in", ["outpatient", "ambulatory surgery"]),
    ("what decides how much a hospital gets paid for a stay", ["diagnosis-related group"]),
    ("does college of dupage lead to rhit", ["DuPage", "RHIT"]),
    ("when does the albany state program start", ["once a year in the fall"]),
    ("is the mvcc program online", ["fully online", "four-semester"]),
    ("is grand canyon's coding program cahiim accredited",
     ["no CAHIIM-accredited program", "healthcare administration"]),
    ("is there a fully online hit associate degree", ["Mohawk Valley", "completely online"]),
    ("does east carolina have a him degree", ["RHIA"]),
    ("what is amoa 206", ["Medical Office Billing and Bookkeeping"]),
    ("does liberty have health informatics", ["Health Informatics"]),
    ("is penn foster accredited by middle states", ["2002"]),
    ("does national university have an mha", ["4-week courses", "CAHME"]),
    # outlook
    ("is medical coding a bright outlook occupation", ["Bright Outlook", "O*NET"]),
    ("what was the job outlook in 2021-2031", ["2021–31", "7%"]),
    ("growth projection 2018 to 2028", ["11%"]),
    ("what did bls project for 2014-2024", ["15%"]),
    ("how many coders are employed", ["194,800"]),
    ("how many job openings per year for coders", ["14,200"]),
    # work environment
    ("what share of coders work in hospitals", ["34%"]),
    ("what percent of coders work in doctors offices", ["19%"]),
    ("what other industries employ coders", ["8%", "7%", "5%"]),
    ("do coders sit all day", ["many hours at a computer", "sitting"]),
    ("is medical coding physically demanding", ["desk work"]),
    ("do coders work shifts", ["overnight"]),
    ("what percent of coders work remotely", ["55%"]),
    # education and the occupation
    ("what should i major in to become a coder", ["health information technology"]),
    ("typical entry level education for coders", ["postsecondary nondegree award"]),
    ("what percent of coders have a degree", ["no published figure"]),
    ("is quality improvement part of the coursework",
     ["Not in BLS's list", "quality improvement"]),
    ("how many semesters is an associate degree in hit", ["four semesters"]),
    ("how long is a medical coding diploma", ["9-15 months"]),
    ("can i get a coding job without certification", ["may be required or preferred",
                                                      "soon after hiring"]),
    ("how long is a coding certificate program", ["1-2 years"]),
    ("is it true that coding programs take 4-12 months",
     ["9-15 months", "1-2 years", "4-12 month"]),
    ("so employers don't train coders at all?", ["doesn't mean employers never train you"]),
    ("what share of coders have a bachelor's degree", ["no published figure"]),
    ("is a medical coder the same as a medical records specialist",
     ["medical records specialists", "29-2072"]),
    ("what job titles do medical coders have", ["Coder", "Medical Records"]),
    ("does onet list skills for coders", ["reading comprehension"]),
    ("what is the job zone for medical coders", ["can't confirm", "onetonline.org"]),
    ("can you specialize in cancer coding", ["cancer"]),
    ("how much do health information technologists make", ["$58,250"]),
    ("how many openings a year for health information technologists", ["3,100", "+6,200"]),
    ("health information technologist pay in 2021", ["$55,560", "$61,410"]),
    ("how many medical and health services manager jobs are there",
     ["562,700", "61,400", "616,200"]),
    ("health services manager pay in 2022", ["$104,830", "509,500", "28%"]),
    ("what education do health services managers need", ["less than 5 years"]),
    ("medical assistant pay back in 2012", ["$29,370", "560,800", "29%"]),
    ("transcriptionist pay in 2016", ["$35,720", "57,400", "-3%"]),
    ("how many receptionist jobs are there", ["1,054,500", "5,700 fewer"]),
    ("receptionist pay in 2017", ["$28,390", "$13.65", "$27,300"]),
    ("do many receptionists work part time", ["3 in 10"]),
    ("what education do receptionists need", ["short-term on-the-job training"]),
    ("does bls list these as similar occupations", ["could not check", "Similar Occupations"]),
    ("can you be a cancer registrar without the ctr", ["some hire without it",
                                                      "state registries"]),
    ("how much do medical and health services managers make", ["$110,680"]),
]


@pytest.mark.parametrize("question,needles", CASES, ids=[q for q, _ in CASES])
def test_the_fact_asked_for_is_in_the_answer(engine: Engine, question: str,
                                             needles: list[str]) -> None:
    reply, _ = engine.respond(question, ConversationState())
    assert reply.intent != "fallback", f"{question!r} was not understood"
    text = render_plain(reply)
    for needle in needles:
        assert needle in text, f"{question!r}: the answer lacks {needle!r}:\n{text}"


@pytest.mark.parametrize("question", [
    "how do I get rid of the A on my CPC",
    "how do i remove apprentice status",
    "what is a CPC-A",
])
def test_apprentice_questions_are_not_answered_by_the_outlook(engine: Engine,
                                                              question: str) -> None:
    reply, _ = engine.respond(question, ConversationState())
    assert reply.intent == "certification" and reply.entry == "apprentice", question


def test_unconfirmed_figures_say_so(engine: Engine) -> None:
    for question in ("what do coders make at insurance companies",
                     "is the job zone 3 for medical coding"):
        reply, _ = engine.respond(question, ConversationState())
        text = render_plain(reply).lower()
        assert "unconfirmed" in text or "can't confirm" in text, question
