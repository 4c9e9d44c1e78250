"""Expected content of the shipped seed programmes, typed by reading the seed
texts in ``shared/seeds/`` (not generated from the JSON files).

Future of Work (seed 000): per recommendation, its title, leads, the
deliverable lines of the first column (text, bulleted), the progress
paragraphs ("February 2020") as (bulleted, opening words), the
cross-reference, the next-steps text and the Next steps bullets as printed.

Digital Strategy 2024-30 (seed 003): per priority, its title, theme, the
"We will…" texts and how many "So that…" benefits; per surviving roadmap
table, its (description, horizon) entries.
"""

# --------------------------------------------------------------------------
# Future of Work in Southampton programme – Progress Report – February 2020
# --------------------------------------------------------------------------

FOW_REPORT_TITLE = "Future of Work in Southampton programme – Progress Report – February 2020"
FOW_TITLE = "Future of Work in Southampton programme"
FOW_THEMES = [
    "Addressing the skills challenges facing Southampton to keep ahead of the robots",
    "Supporting the growth of the tech sector",
]
FOW_INTRO_STARTS = [
    ("The Future of Work (FoW) in Southampton action plan set out", "Scrutiny Panel Inquiry. The report’s nineteen", "two particular themes:"),
    ("• Addressing the skills challenges", "", "ahead of the robots"),
    ("• Supporting the growth", "", "of the tech sector"),
    ("The FoW action plan has now developed", "which link people-place-employers-infrastructure, to achieve", "the Southampton City Council (SCC)."),
]
FOW_COLUMN_HEADINGS = [
    "FoW report recommendation / agreed deliverable",
    "Lead",
    "Progress to date against agreed actions in FoW action plan",
    "Next steps",
]
FOW_LEAD_KEY = [
    ("EDT", "Economic Development Team"),
    ("HOD", "Head of Organisational Development"),
    ("HoP & ED", "Head of Planning & Economic Development"),
    ("SAH", "Solent Apprenticeship Manager"),
    ("SSM", "Strategic Skills Manager"),
]
FOW_PERIOD = ("February 2020", "2020-02-29", True)
WIP = "Work in progress"

# bulleted progress paragraph / unbulleted one, by its opening words
B = True
U = False

FOW_CARDS = [
    dict(
        ref="1",
        title="Develop a Southampton focussed contribution to the Solent Industrial Strategy",
        leads=["HoP & ED"],
        deliverables=[],
        progress=[
            (B, "SCC management agreed in November 2019"),
            (B, "Progress on EDS has been delayed to draw upon the “City Vision”"),
            (B, "The EDS will be developed on a collaborative basis"),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Project Initiation Documentation agreed by Project Board – March/April 2020",
        ],
    ),
    dict(
        ref="2",
        title="Adapt and actualise the RSA Cities of Learning (CofL) model for Southampton",
        leads=["SSM"],
        deliverables=[
            ("Virtual platform to catalyse a new form of learning and skills acquisition to improve employment outcomes and job progression", U),
        ],
        progress=[
            (B, "Ongoing discussions with RSA on delivery of CofL"),
            (B, "RSA confirmed that the CofL platform"),
            (B, "Project proposal for development/piloting phase received from the RSA on 26/02/2020."),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Clear RSA for exemption as an SCC supplier – March 2020",
            "Agree terms of commission with the RSA – April 2020",
            "Draft and circulate project brief for dissemination to stakeholders to build a coalition / community of practice involving employers, training providers and business intermediaries – April to May 2020",
            "Deliver CofL stakeholder workshops – July 2020",
            "Develop a Theory of Change model with underlying evidence base for establishing pilot phase of CofL, continued stakeholder engagement and value proposition for prospective funders/investors – October 2020",
            "CofL platform live and micro-credentials (digital badges) developed – February 2021",
            "Pilot phase initiated to inform City of Culture bid – March 2021",
        ],
    ),
    dict(
        ref="3",
        title="Develop and implement a Skills Strategy for Southampton",
        leads=["SSM"],
        deliverables=[
            ("Skills strategy", B),
            ("Curriculum enhancements across Southampton’s schools", B),
            ("Recruitment of a G10 Learning and Skills role", B),
        ],
        progress=[
            (B, "The proposed skills strategy is now merged with the EDS strategy (see point 1 above)."),
            (B, "Children’s Services and Southampton Education Forum (SEF)"),
            (B, "Recruitment of Digital Engagement Manager to be initiated in March 2020."),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Consultation with schools, SEF & Children’s Services – March to April 2020",
            "Commission pilot work in schools - May 2020 to August 2022",
            "Evaluation of pilot activity – November to December 2022",
            "Citywide scale out of new curriculum paradigm – from September 2023",
            "Commencement of Digital Engagement Manager – June 2020",
        ],
    ),
    dict(
        ref="4",
        title="Simplify the Adult Learning Landscape",
        leads=["SSM"],
        deliverables=[],
        progress=[
            (B, "Part of the Cities of Learning recommendation to make learning accessible"),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Brief for digital inclusion pilot & provider capacity building – April 2020",
            "Funding secured – December 2020",
            "Delivery commences – April 2021",
        ],
    ),
    dict(
        ref="5",
        title="Digital Skills",
        leads=["SSM"],
        deliverables=[
            ("Ensure UK Government’s Essential Digital Skills Framework is implemented across the City", B),
            ("Scale out teaching of digital skills in schools", B),
            ("Develop propositions for AVR and AI to enhance the City’s tech credentials and strengthen the talent pipeline", B),
            ("Test employer readiness for digitalisation", B),
            ("Pilot new approaches to retain local tech talent through plugging rising tech vacancies from employers", B),
            ("Broaden partnership working across the region", B),
        ],
        progress=[
            (B, "Discussions held with Good Things Foundation, ncfe and training providers"),
            (B, "Digital literacy framework for schools is part of a wider cross-curricular approaches"),
            (B, "Advanced discussions with US-based company EON Reality (a global player in Augmented and Virtual Reality – AVR)"),
            (B, "Review of Digital diagnostic (DD) activity"),
            (B, "For digital masterclasses, initial discussions"),
            (B, "Ongoing discussions with HCC and PCC on forming a Digital Skills Partnership"),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Draft project brief for a digital inclusion / digital skills pilot – April 2020",
            "Draft Digital Inclusion strategy for consultation – November 2020",
            "EON Reality to table draft AVR proposition to the LEP in partnership with SCC, Solent University and industry partners – May 2020",
            "Procure DD tool for use by SCC’s skills team – May 2020",
            "Inaugural Digital Bootcamp – July 2020",
            "Draft terms of reference for a regional Digital Skills Partnership – July 2020",
        ],
    ),
    dict(
        ref="6",
        title="Apprenticeship Levy",
        leads=["SAH"],
        deliverables=[
            ("Maximise use of apprenticeship levy / levy transfer opportunities and drive up demand for digital apprenticeships", U),
        ],
        progress=[
            (B, "Solent Apprenticeship Hub (SAH) working with all local authorities"),
            (B, "SAH Project Steering Group agreed in January 2020 to ‘map and gap’ suite"),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Employer engagement activities planned to discuss apprenticeships, T-levels and industrial placements – Feb to June 2020",
            "Benchmark use of levy pot / levy transfer and ways to improve process as well as generate higher ROI",
            "Develop a series of case studies / good practice on apprenticeship levy experience to increase demand for SAH services and improve employer engagement experiences – April 2020",
            "Undertake initial analysis on digital apprenticeship provision – April 2020",
            "Establish employer demand for digital apprenticeship standards to inform provider capacity building – September 2020",
        ],
    ),
    dict(
        ref="7",
        title="Leadership & Management Training",
        leads=["SSM"],
        deliverables=[
            ("Map L&M training provision to guide employers on ‘best fit’", U),
        ],
        progress=[
            (U, "Following national debate undertaken by CMI on Management 4.0 debate"),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Value proposition developed – May 2020",
        ],
    ),
    dict(
        ref="8",
        title="Establish a better platform for residents, especially young people, to access accurate information on career opportunities",
        leads=["SLE"],
        deliverables=[],
        progress=[
            (B, "Post-16 agenda now transitioned from Place Directorate to Children’s Services."),
            (B, "City Ambitions team – responsible for the existing career portal – currently overhauling the website."),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Launch of updated City Ambitions platform – June 2020",
        ],
    ),
    dict(
        ref="9",
        title="Support and encourage Southampton businesses to adopt the Investors in People Tool, Jumpstart",
        leads=["SSM"],
        deliverables=[],
        progress=[
            (U, "Skills team undergoing service re-design to align itself to the FoW programme"),
        ],
        cross_reference=None,
        next_steps_text=WIP,
        milestones=[],
    ),
    dict(
        ref="10",
        title="Southampton City Council to Lead by Example",
        leads=["HOD"],
        deliverables=[],
        progress=[
            (B, "Smart Ways of Working accelerated with more devices being issued each week from February 2020"),
            (B, "Office 365 rolled out – July 2020"),
            (B, "Transfer back of Capita staff to SCC Capita concluded"),
            (B, "New L&D function/system ready for implementation August 2020"),
            (B, "Digital Eagles delivery complete to SCC staff"),
        ],
        cross_reference=None,
        next_steps_text=WIP,
        milestones=[],
    ),
    dict(
        ref="11",
        title="Deliver the commitment in the Digital Strategy to secure external investment in ultra-fast fibre, Wifi and 5G connectivity",
        leads=["EDT"],
        deliverables=[],
        progress=[
            (U, "Roll out of Full Fibre network in Southampton is progressing into 2020 and 2021."),
        ],
        cross_reference=None,
        next_steps_text=WIP,
        milestones=[],
    ),
    dict(
        ref="12",
        title="Reflecting the heritage of the city create a ‘Digital Shipyard’ in the proposed Central Business District",
        leads=["EDT"],
        deliverables=[],
        progress=[],
        cross_reference="17",
        next_steps_text=WIP,
        milestones=[],
    ),
    dict(
        ref="13",
        title="Actively encourage the development of ‘alternative’ spaces for the creative sector to work from",
        leads=["EDT"],
        deliverables=[],
        progress=[
            (U, "Gods House Tower (GHT) project is now complete"),
        ],
        cross_reference=None,
        next_steps_text=WIP,
        milestones=[],
    ),
    dict(
        ref="14",
        title="Tech in the City events",
        leads=["EDT"],
        deliverables=[],
        progress=[
            (U, "A steering group has been formed to lead on TechSolent."),
            (B, "5 networking events"),
            (B, "TechSolent annual conference in June 2019- attracted over 120 attendees"),
            (B, "Bash Festival of Coding in August 2019- a week of coding competition for 11-16 years old children"),
            (B, "Empact SuperConnect in November 2019-"),
            (B, "Strategic Round Table AI and IoT with Wendy Dame (UoS) & Geoff Glover (SU)"),
            (B, "IBM IoT and Innovation - February 2020"),
        ],
        cross_reference=None,
        next_steps_text="Remaining events for 2020 include:",
        milestones=[
            "Venturefest South - March 2020",
            "Tech Solent Conference - June 2020",
            "Southampton Games Festival - June 2020",
        ],
    ),
    dict(
        ref="15",
        title="Embark on new, cross-sectoral partnerships to resolve societal problems using technological solutions",
        leads=["EDT"],
        deliverables=[],
        progress=[
            (B, "Support was provided to Southampton Marine and Maritime Institute"),
            (B, "Development of EDS Strategy, Local Plan and City of Culture bid will – alongside delivery of Green City Charter – will inform"),
        ],
        cross_reference=None,
        next_steps_text=WIP,
        milestones=[],
    ),
    dict(
        ref="16",
        title="Seek to secure long term funding for Creative Growth Southampton",
        leads=["EDT"],
        deliverables=[],
        progress=[
            (U, "Discussions being held to determine project sustainability"),
        ],
        cross_reference=None,
        next_steps_text=WIP,
        milestones=[],
    ),
    dict(
        ref="17",
        title="Improve the branding, promotion and packaging of Southampton",
        leads=["EDT"],
        deliverables=[],
        progress=[
            (U, "MPIM attendance being used as catalyst"),
        ],
        cross_reference=None,
        next_steps_text=WIP,
        milestones=[],
    ),
    dict(
        ref="18",
        title="Utilise the assets and support available to grow the tech sector",
        leads=["EDT", "SSM"],
        deliverables=[],
        progress=[
            (B, "Existing intermediaries e.g. Future Worlds support tech start ups"),
            (B, "Knowledge gap exists in understanding the scale and diversity"),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Tender specification for regional study issued – June 2020",
        ],
    ),
    dict(
        ref="19",
        title="Develop a clear offer to grow the Tech sector and a vision as to how technology can help to improve outcomes in Southampton",
        leads=["SSM"],
        deliverables=[
            ("Digital Catalysts roll-out", U),
            ("Smart / Intelligent City model", U),
        ],
        progress=[
            (B, "Range of government funds available to test / develop technology-led solutions"),
            (B, "SCC working across the Solent region with HEIs"),
            (B, "Southampton’s approach to Smart City development, Intelligent City,"),
        ],
        cross_reference=None,
        next_steps_text=None,
        milestones=[
            "Clarification and scoping of Smart Cities/Intelligent Cities to be completed in advance of preparing delivery plan for 2021.",
        ],
    ),
]

# the two Next steps bullets that carry no date
FOW_UNDATED_MILESTONES = [
    "Benchmark use of levy pot / levy transfer and ways to improve process as well as generate higher ROI",
    "Clarification and scoping of Smart Cities/Intelligent Cities to be completed in advance of preparing delivery plan for 2021.",
]
FOW_MILESTONE_COUNTS = {"1": 1, "2": 7, "3": 5, "4": 3, "5": 6, "6": 5, "7": 1, "8": 1,
                        "14": 3, "18": 1, "19": 1}

# --------------------------------------------------------------------------
# Southampton City Council Digital Strategy 2024-30
# --------------------------------------------------------------------------

DS_TITLE = "Southampton City Council Digital Strategy 2024-30"
DS_REPORT_TITLE = "Digital Strategy 2024-30 – Progress Report"
DS_COLUMN_HEADINGS = ["Priority – we will… so that…", "Lead", "Progress to date", "Next steps"]
DS_THEMES = [
    "People and skills",
    "Organisation and process",
    "Design, plan and implement",
    "Technology and architecture",
]
DS_INTRODUCTION = [
    "Our digital vision is to empower our communities to access digitally inclusive services, designed around their needs which support the delivery of our Corporate objectives.",
    "Our people will be given the skills, data and technology needed to deliver the best possible services for our communities and organisation.",
    "We will ensure that every local person, employee, partner organisation, visitor and stakeholder benefit from the opportunities presented by the digital era, to lead Southampton as a digitally enabled city.",
]

DS_PRIORITIES = [
    dict(
        ref="1",
        title="Ensure all staff have the right digital skills so that they can perform their work effectively and improve the maturity of key capabilities",
        theme="People and skills",
        deliverables=[
            "Conduct a learning needs analysis to baseline digital skills and gaps within the organisation",
            "Make use of and incentivise cross-functional communities of practice, such as digital champions",
            "Work with HR to integrate a digital skills competency framework into the recruitment process, ensuring it is considered as part of recruitment & staff development",
        ],
        benefits=3,
    ),
    dict(
        ref="2",
        title="Engage internal and external users to understand their digital needs in order to develop user centric digital services",
        theme="People and skills",
        deliverables=[
            "Prioritise user research and ongoing testing, creating a framework to ensure it is applied consistently on all digital projects and seen through to project implementation",
            "Understand user requirements at the outset of any digital change project",
        ],
        benefits=2,
    ),
    dict(
        ref="3",
        title="Ensure that all digital changes and skills improvement programmes are sponsored by leadership within service areas",
        theme="People and skills",
        deliverables=[
            "Embed senior sponsorship into digital change initiatives",
            "Introduce a senior leader digital skills training initiative with representatives from across the organisation",
            "Promote the digital vision and wider strategy amongst leaders for dissemination to teams",
        ],
        benefits=3,
    ),
    dict(
        ref="4",
        title="Improve digital governance processes to ensure there is a clear and consistent approach",
        theme="Organisation and process",
        deliverables=[
            "Create a new digital governance board structure to enable the monitoring and assurance against the strategy",
            "Promote the digital governance structure to the wider organisation",
            "Establish a set of digital governance principles via a transparent prioritisation matrix",
        ],
        benefits=3,
    ),
    dict(
        ref="5",
        title="Ensure that processes are as efficient as possible, remove any non-value add activity and create automation where possible",
        theme="Organisation and process",
        deliverables=[
            "Help services to undertake a process mapping exercise to understand where digital can assist with self-service and automation of processes",
            "Embed a process automation and self-service first principle which is considered when procuring new systems or making digital changes",
            "Ensure we have strong links with the data team & strategy to guide the simplification of processes to make them uniform, to drive consistent data input and that Data is considered in any digital project or procurement",
        ],
        benefits=3,
    ),
    dict(
        ref="6",
        title="Create a combined project and change management process which brings together IT, PMO, Transformation and service areas to ensure that projects are aligned and holistic",
        theme="Organisation and process",
        deliverables=[
            "Create an organisation wide change process that is well communicated and understood, with clear governance and design principles, that engages IT and other cross functional teams to design and manage change effectively",
            "Create a joined up process whereby IT are always engaged early in procurement to help understand the requirement and alignment to the roadmap",
            "Improve understanding of Agile as a concept in SCC and ensure capability is there to use Agile as appropriate and embedded in the Digital service as the default approach for new digital projects",
        ],
        benefits=3,
    ),
    dict(
        ref="7",
        title="Ensure we have a robust and holistic service design process for digital",
        theme="Design, plan and implement",
        deliverables=[
            "Define service design principles and agree the 'SCC way' that is cross-functional and end-to-end. Introducing IT business partnering as standard to key service areas",
            "Develop a core service design capability that can be used across the organisation, incorporating it into the wider change and project management processes",
            "Agree a selection of service design tools and use them consistently (user journey mapping, user stories, feedback methods, collaboration tools, prototyping)",
        ],
        benefits=3,
    ),
    dict(
        ref="8",
        title="Remove silos and develop cross functional service design and planning",
        theme="Design, plan and implement",
        deliverables=[
            "Work with services to ensure that digital is embedded into all service plans",
            "Work with service areas on digital elements of service plans to understand the art of the possible, what is available corporately and help quantify potential savings",
            "Incorporate service design elements to understand needs of users when making service plans",
        ],
        benefits=3,
    ),
    dict(
        ref="9",
        title="Ensure that project implementation and ongoing improvements are aligned to findings from user research both internal and external",
        theme="Design, plan and implement",
        deliverables=[
            "Embed user engagement and research as core to service design and capture the qualitative data",
            "Ensure that users are continually engaged throughout a digital change project, create a robust engagement model using change management principles",
        ],
        benefits=2,
    ),
]

# The one "So that…" cell the extraction broke over a blank line (priority 9).
DS_JOINED_BENEFIT = (
    "Users feel engaged and can regularly feedback their views to ensure they get a user centred "
    "outcome which works well for them, driving positive user experience for our people and local people"
)

# Roadmap tables that survive as text (Appendix 2): columns Now / Next / Later,
# rows Governance / Operational / Strategic. Listed Now first, then Next, then
# Later; within a horizon by row, then in the cell's order.
DS_ROADMAPS = [
    dict(
        ref="R1",
        title="Roadmap – Technology and architecture",
        theme="Technology and architecture",
        milestones=[
            ("Explore the potential benefits of a contract review with Civica and Capita to achieve a more strategic approach", "Now", "Operational"),
            ("Review opportunities to fully exploit the MS365 platform and functionality included with the E5 licensing, look at license profiling to manage costs", "Now", "Operational"),
            ("Create an Integration Strategy, with associated capabilities", "Now", "Strategic"),
            ("Review TOM recommendations and incorporate actions into IT service plans", "Now", "Strategic"),
            ("Define and recruit to an Enterprise Architect role to develop the EA capability for IT and SCC more widely.", "Next", "Governance"),
            ("Investigate how the CRM can be used to support customer communications and understand their communication preferences alongside recording customer interactions", "Next", "Operational"),
            ("Make better use of the CMDB and the metadata model to understand the application landscape and the relationship with contracts for identification of change opportunities and improved reporting.", "Next", "Operational"),
            ("Consider a third-party full analysis of the wider software licence and utilisation landscape to identify areas where more robust licence management could reduce costs.", "Next", "Strategic"),
            ("Complete the development of the data strategy and reusable data services, and associated operating model and capabilities", "Next", "Strategic"),
            ("Application rationalisation or improved utilisation: - Share Point - Power Platform - Combined use of Academy and Digital360 in Revs and Bens - Asset Management systems - Case Management solutions - Payment solutions", "Next", "Strategic"),
            ("Ensure that governance for new technology is strengthened to include an IT review of integration capability/interoperability (part of the procurement governance)", "Later", "Governance"),
            ("Understand and define the As-is architecture, and applications to identify duplication of functionality (with a view to removing duplications) and a roadmap for reduction the number of legacy systems and technical debt", "Later", "Operational"),
            ("Undertake a systems review including contractual arrangements and opportunities to align with the digital strategy", "Later", "Operational"),
            ("Undertake a report review org wide to understand duplication and inconsistencies across currently siloed areas", "Later", "Strategic"),
        ],
    ),
    dict(
        ref="R2",
        title="Roadmap – Design, plan and implement",
        theme="Design, plan and implement",
        milestones=[
            ("Ensure services are aware of the process for procuring new systems and must engage IT who will inform the best possible solution", "Now", "Governance"),
            ("Create a cross cutting process with IT/Procurement team to ensure IT are consistently engaged at an early stage in all technology/digital procurement, via a set of standard IT and service design principles or active engagement with IT, Transformation and PMO teams", "Now", "Governance"),
            ("Develop a core service design capability that can be used across the organisation, with a clear set of design principles that are crossfunctional and end to end", "Now", "Operational"),
            ("Develop a toolkit to ensure that requirements are gathered before the commencement of any procurement. Ensure principles and priorities are included and that services are aware of the need for robust requirement gathering process", "Now", "Operational"),
            ("Create a Service Design Toolkit with a selection of service design tools (user journey mapping, user stories, feedback methods, collaboration tools, prototyping) and use them consistently across all services", "Now", "Strategic"),
            ("Embed user engagement and research as core part of Southampton's service design approach to capture qualitative data to inform usercentred design", "Now", "Strategic"),
            ("Understand internal users need and corporate requirements around financial planning and forecasting and build appropriate reporting tools", "Next", "Operational"),
            ("Create a crossfunctional team to work with the business to explain the art of the possible for digital opportunities, understand the businesses challenges and utilise IT's expertise to identify potential digital solutions", "Next", "Operational"),
            ("Build in monitoring and reporting of benefits as part of service design process", "Later", "Strategic"),
        ],
    ),
]
