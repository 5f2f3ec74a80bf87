# ruff: noqa: E501 (page markup and story text are data: long lines as written)
"""The stories of the extraction corpus: text written for it, each with its gold body.

A story is a headline, a byline, a date and its body: paragraphs ("p"), subheadings
("h2"), list items ("li", one per item) and quoted passages ("quote"). `make_corpus.py`
puts each story into a page in the shape of a news CMS.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    author: str
    date: str
    section: str
    body: list[tuple[str, str]]
    caption: str
    dek: str = ""
    related: list[str] = field(default_factory=list)


STORIES: list[Story] = [
    Story(
        slug="flood-barrier",
        title="Harbor City Approves $1.5 Billion Flood Barrier",
        author="Maria Lopez",
        date="2024-06-04",
        section="Local",
        dek="The vote ends a decade of debate over how to protect the waterfront.",
        caption="Waves break over the seawall near Pier 9 during a storm in January.",
        related=[
            "Why insurance rates keep climbing on the waterfront",
            "Mayor names new head of the port authority",
            "Ferry service to the islands resumes after storm",
        ],
        body=[
            (
                "p",
                "HARBOR CITY — The city council voted 8-1 on Tuesday night to build a $1.5 billion flood barrier across the mouth of the harbor, ending more than a decade of debate over how to protect the low-lying waterfront.",
            ),
            (
                "p",
                "The barrier, a line of steel gates that can be closed ahead of a storm surge, would be the largest public works project in the city's history. Construction is expected to begin in 2026 and take about seven years.",
            ),
            (
                "p",
                '"We have talked about this for twelve years, and in those twelve years the water has not waited for us," said council member Rita Okafor, who sponsored the measure.',
            ),
            ("h2", "Who pays for it"),
            (
                "p",
                "Roughly two-thirds of the cost would come from federal grants, according to the city's finance office. The rest would be raised through bonds repaid by a surcharge on water bills, adding about $6 a month for a typical household.",
            ),
            (
                "p",
                "The lone vote against came from council member Gene Farrow, who argued that the surcharge would fall hardest on renters who do not live near the water.",
            ),
            (
                "p",
                "Environmental groups have been split. The Harbor Conservancy backed the plan after the city agreed to leave the gates open except during storms, while a coalition of fishing crews warned that the structure could change tidal flows in the inner bay.",
            ),
            (
                "p",
                "A final design is due by the end of next year, and public hearings will be held in each of the five waterfront neighborhoods before any contract is signed.",
            ),
        ],
    ),
    Story(
        slug="school-lunch",
        title="Schools Drop Lunch Fees for Every Student This Fall",
        author="Devon Price",
        date="2024-08-12",
        section="Education",
        dek="About 41,000 students will eat free, whatever their family income.",
        caption="Students line up for lunch at Westfield Middle School last spring.",
        related=[
            "Bus driver shortage delays start of classes",
            "District weighs later start times for high schools",
        ],
        body=[
            (
                "p",
                "Every student in the Riverside Unified School District will receive free breakfast and lunch when classes resume on Aug. 26, district officials announced Monday.",
            ),
            (
                "p",
                "The change affects about 41,000 students. Until now, families earning more than 185 percent of the federal poverty line paid $3.25 for lunch and $1.75 for breakfast each day.",
            ),
            (
                "p",
                "Superintendent Laura Chen said the district qualified for a federal program that reimburses schools where a large share of students already receive public assistance.",
            ),
            (
                "quote",
                "No child should have to think about whether there is money on their lunch card before they can think about algebra.",
            ),
            (
                "p",
                'Parents at Westfield Middle School welcomed the news. "It is one less bill every month, and one less thing my son has to worry about," said Teresa Alvarez, who has two children in the district.',
            ),
            (
                "p",
                "The district expects the program to cost about $2 million a year more than it receives in reimbursements, a gap it plans to cover from its general fund.",
            ),
        ],
    ),
    Story(
        slug="orchard-frost",
        title="Late Frost Wipes Out Half of Valley's Apple Crop",
        author="Hannah Brooks",
        date="2024-05-02",
        section="Business",
        dek="Growers say the losses could reach $40 million.",
        caption="Blossoms damaged by frost at an orchard outside Millbrook.",
        related=[
            "Farmers market returns to the old rail yard",
            "Cider makers look abroad for apples",
            "Drought aid approved for ranchers",
        ],
        body=[
            (
                "p",
                "Two nights of hard frost in late April destroyed roughly half of the apple blossoms in the Millbrook Valley, according to a survey released Wednesday by the county's agricultural extension office.",
            ),
            (
                "p",
                "Temperatures fell to 24 degrees on April 23 and 24, just as most orchards had reached full bloom, the stage at which flowers are most easily killed by cold.",
            ),
            (
                "p",
                "Growers used wind machines, heaters and sprinklers to protect their trees, but many said the cold was too deep to fight.",
            ),
            (
                "p",
                '"We ran the fans all night and watched the thermometer keep dropping," said Carl Jensen, whose family has grown apples on 300 acres near Millbrook since 1952. "By morning you could see the centers of the blossoms had turned black."',
            ),
            ("h2", "What it means for prices"),
            (
                "p",
                "Extension agents estimate the losses at $30 million to $40 million across the valley. Some of that may be covered by crop insurance, though many small growers do not carry it.",
            ),
            (
                "p",
                "Shoppers are unlikely to see much change at the grocery store, economists said, because most supermarket apples come from larger growing regions that were not hit by the frost.",
            ),
            (
                "p",
                "Local cider makers and farm stands, which depend on valley fruit, are expected to feel the shortage most.",
            ),
        ],
    ),
    Story(
        slug="transit-fares",
        title="Transit Agency Proposes First Fare Increase in Nine Years",
        author="Samuel Ortiz",
        date="2024-02-15",
        section="Transportation",
        dek="A single ride would rise to $2.75 under the plan.",
        caption="Commuters board a train at Central Station on Thursday morning.",
        related=[
            "New bus lanes open on Fifth Avenue",
            "Light rail extension behind schedule, audit finds",
        ],
        body=[
            (
                "p",
                "The regional transit authority on Thursday proposed raising the base fare for buses and trains from $2.25 to $2.75, its first increase since 2015.",
            ),
            (
                "p",
                "Officials said ridership has recovered to only 78 percent of its level before the pandemic, while the cost of fuel, parts and labor has climbed sharply.",
            ),
            (
                "p",
                "Under the proposal, monthly passes would rise from $90 to $105. Fares for seniors, riders with disabilities and students would stay the same.",
            ),
            ("h2", "Riders push back"),
            (
                "p",
                "Several riders who spoke at a board meeting said the increase would make it harder to get to work.",
            ),
            (
                "p",
                '"I already spend more on the bus than on electricity," said Denise Walker, who commutes from the east side to a hospital job downtown.',
            ),
            (
                "p",
                "The board will hold four public hearings in March and is scheduled to vote on April 18. If approved, the new fares would take effect July 1.",
            ),
        ],
    ),
    Story(
        slug="library-reopens",
        title="Central Library Reopens After Three-Year Renovation",
        author="Priya Natarajan",
        date="2024-09-07",
        section="Arts",
        dek="The 1911 building gets a new reading room, a roof garden and air conditioning.",
        caption="Visitors explore the restored main reading room on Saturday.",
        related=[
            "Museum extends hours for summer exhibit",
            "Symphony announces new season",
        ],
        body=[
            (
                "p",
                "Hundreds of people lined up on Saturday morning for the reopening of the Central Library, which had been closed for three years while its 1911 building was restored and expanded.",
            ),
            (
                "p",
                "The $68 million project added a glass-walled reading room, a children's floor, a roof garden and, for the first time, air conditioning throughout the building.",
            ),
            (
                "p",
                "Workers also restored the painted ceiling of the main hall, which had been hidden behind acoustic tiles since the 1960s.",
            ),
            (
                "p",
                "Library director Thomas Reed said the renovation was designed to make the building useful for people who do not come to borrow books.",
            ),
            (
                "p",
                '"A library is the last place in the city where you can sit all day without buying anything," Reed said. "We wanted to make that space as good as we could."',
            ),
            (
                "p",
                "The library will be open seven days a week, from 9 a.m. to 9 p.m. on weekdays and from 10 a.m. to 6 p.m. on weekends.",
            ),
        ],
    ),
    Story(
        slug="wildfire-smoke",
        title="Wildfire Smoke Prompts Health Warnings Across the Region",
        author="Jordan Kim",
        date="2024-07-21",
        section="Weather",
        dek="Air quality reached unhealthy levels in six counties.",
        caption="Haze hangs over the downtown skyline on Sunday afternoon.",
        related=[
            "How to read the air quality index",
            "Firefighters gain ground on Ridge Fire",
            "Cooling centers open as heat returns",
        ],
        body=[
            (
                "p",
                "Smoke from wildfires burning hundreds of miles to the north drifted over the region on Sunday, pushing air quality to unhealthy levels in six counties and prompting officials to urge residents to stay indoors.",
            ),
            (
                "p",
                "The air quality index reached 182 in the city by midafternoon, a level at which everyone may begin to feel health effects, according to the state's environmental agency.",
            ),
            (
                "p",
                "Health officials advised people to keep windows closed, run air purifiers if they have them, and avoid strenuous activity outdoors.",
            ),
            ("h2", "Who is most at risk"),
            ("li", "Children and older adults."),
            ("li", "People with asthma, heart disease or lung disease."),
            ("li", "Outdoor workers, including farm and construction crews."),
            (
                "p",
                "Forecasters said a shift in the wind should begin clearing the smoke by Tuesday, though conditions could worsen again if the fires keep growing.",
            ),
        ],
    ),
    Story(
        slug="startup-layoffs",
        title="Delivery Startup Cuts a Quarter of Its Staff",
        author="Elena Vasquez",
        date="2024-03-19",
        section="Technology",
        dek="The company said it would focus on its grocery business.",
        caption="The company's headquarters in the Mill District.",
        related=[
            "Chip plant hiring slows as demand cools",
            "City offers tax break to keep software firm downtown",
        ],
        body=[
            (
                "p",
                "Quickbasket, the food delivery company that grew rapidly during the pandemic, said on Tuesday that it would lay off about 350 employees, roughly a quarter of its workforce.",
            ),
            (
                "p",
                'In a memo to staff, chief executive Aaron Feld wrote that the company had "built for a world that did not last" and would shut down its restaurant delivery service to focus on groceries.',
            ),
            (
                "p",
                "The cuts fall mostly on engineering and marketing teams. Departing employees will receive 12 weeks of pay and six months of health coverage, the memo said.",
            ),
            (
                "p",
                "The company raised more than $400 million from investors between 2020 and 2022 but has not turned a profit, according to people familiar with its finances.",
            ),
            (
                "p",
                "Analysts said the move reflects a broader shakeout among delivery apps as customers return to shopping in person.",
            ),
        ],
    ),
    Story(
        slug="marathon",
        title="Local Runner Wins City Marathon in Record Time",
        author="Chris Bellamy",
        date="2024-10-13",
        section="Sports",
        dek="Amara Diallo broke a course record that had stood for 17 years.",
        caption="Amara Diallo crosses the finish line on Sunday.",
        related=[
            "High school cross-country teams head to state",
            "Stadium vote set for November",
        ],
        body=[
            (
                "p",
                "Amara Diallo, a 29-year-old physical therapist who trains before work on the river path, won the City Marathon on Sunday in 2 hours 24 minutes 11 seconds, breaking the women's course record by more than a minute.",
            ),
            (
                "p",
                "Diallo pulled away from a pack of four runners at the 20-mile mark and ran the final 10 kilometers alone, waving to friends who had gathered near her clinic on Lake Street.",
            ),
            (
                "p",
                '"I told myself at mile 20 that it was just my Tuesday morning run," Diallo said. "That is the route I know best."',
            ),
            ("p", "The men's race was won by Tomas Keller of Denver in 2:11:48."),
            (
                "p",
                "About 22,000 runners started the race under cool, overcast skies, organizers said, the largest field since the event began in 1978.",
            ),
        ],
    ),
    Story(
        slug="housing-vote",
        title="Council Backs Apartments on Former Mall Site",
        author="Nadia Hassan",
        date="2024-04-09",
        section="Local",
        dek="The plan calls for 1,200 homes, a park and a grocery store.",
        caption="The vacant Eastgate Mall, which closed in 2019.",
        related=[
            "Rents rose 6 percent last year, report says",
            "Neighbors sue to stop tower near the river",
        ],
        body=[
            (
                "p",
                "The city council gave preliminary approval on Monday to a plan that would replace the empty Eastgate Mall with 1,200 apartments, a park and a grocery store.",
            ),
            (
                "p",
                "The developer, Northline Partners, has agreed to set aside 20 percent of the units for households earning less than 60 percent of the area's median income.",
            ),
            ("h2", "Traffic concerns"),
            (
                "p",
                "Neighbors who opposed the project said the surrounding streets could not handle the additional cars.",
            ),
            (
                "p",
                "A traffic study commissioned by the city found that the development would add about 4,000 trips a day, fewer than the mall generated at its peak in the 1990s.",
            ),
            ("h2", "What comes next"),
            (
                "p",
                "The plan returns to the council for a final vote in June. If approved, demolition of the mall could begin early next year, with the first buildings finished in 2027.",
            ),
        ],
    ),
    Story(
        slug="bird-count",
        title="Volunteers Count Record Number of Bald Eagles on the River",
        author="Owen Gallagher",
        date="2024-01-28",
        section="Environment",
        dek="The annual survey found 212 eagles, up from 37 in 2000.",
        caption="A bald eagle perches above the river near Lock and Dam 4.",
        related=[
            "Trail along the bluffs to reopen in spring",
            "State adds land to wildlife refuge",
        ],
        body=[
            (
                "p",
                "Volunteers counted 212 bald eagles along a 60-mile stretch of the river this month, the highest number since the annual survey began in 1985.",
            ),
            (
                "p",
                "When the count started, observers rarely saw more than a dozen birds. As recently as 2000, they found only 37.",
            ),
            (
                "p",
                "Biologists credit the recovery to the ban on the pesticide DDT, cleaner water and the protection of nesting trees along the banks.",
            ),
            (
                "p",
                '"Kids who come out with us now assume eagles have always been here," said Ruth Lindqvist, who has organized the count for 22 years. "Their grandparents never saw one."',
            ),
            (
                "p",
                "The eagles gather in winter near dams, where the churning water stays open and fish are easy to catch.",
            ),
            (
                "p",
                "The next count is scheduled for the first Saturday in February, and new volunteers are welcome, organizers said.",
            ),
        ],
    ),
    Story(
        slug="hospital-merger",
        title="Two Hospital Systems Agree to Merge",
        author="Grace Liu",
        date="2024-11-05",
        section="Health",
        dek="The combined company would run 14 hospitals.",
        caption="St. Anne's Medical Center, one of the hospitals in the deal.",
        related=[
            "Nurses vote to authorize strike",
            "Clinic opens in rural county after decade without a doctor",
        ],
        body=[
            (
                "p",
                "Mercy Valley Health and St. Anne's Health System said on Tuesday that they had agreed to merge, creating a company with 14 hospitals, about 30,000 employees and annual revenue of roughly $9 billion.",
            ),
            (
                "p",
                "Executives said the merger would let the systems share the cost of expensive equipment and recruit specialists to rural hospitals that have struggled to keep them.",
            ),
            (
                "p",
                "Critics said the deal would reduce competition in a region where the two systems already control most hospital beds.",
            ),
            (
                "quote",
                "When two systems that compete on price become one, patients and employers almost always end up paying more.",
            ),
            (
                "p",
                "The state attorney general's office said it would review the deal. The companies expect to complete the merger by the end of next year if regulators approve it.",
            ),
        ],
    ),
    Story(
        slug="bridge-closure",
        title="Main Street Bridge to Close for Eight Months",
        author="Luis Romero",
        date="2024-05-30",
        section="Transportation",
        dek="Detours will add up to 15 minutes to some commutes.",
        caption="The Main Street Bridge, built in 1938, will be rebuilt from the piers up.",
        related=[
            "Pothole complaints hit five-year high",
            "Bike share adds 40 stations",
        ],
        body=[
            (
                "p",
                "The Main Street Bridge will close to all traffic on June 10 for about eight months while crews replace its deck and steel supports, the state transportation department said Thursday.",
            ),
            (
                "p",
                "The 1938 bridge carries about 18,000 vehicles a day over the Cedar River. Inspectors rated its condition as poor in 2022.",
            ),
            ("h2", "Detours"),
            ("li", "Cars and trucks will be sent to the Route 12 bridge, two miles south."),
            ("li", "Buses on routes 4 and 7 will use the Oak Street crossing."),
            ("li", "A temporary footbridge will stay open for pedestrians and cyclists."),
            (
                "p",
                "Business owners on the east end of Main Street said they feared losing customers during the closure. The city has set aside $500,000 for grants to shops along the detour.",
            ),
            ("p", "The $31 million project is paid for mostly by federal highway funds."),
        ],
    ),
    Story(
        slug="museum-gift",
        title="Collector Gives 300 Paintings to the Art Museum",
        author="Isabel Moreau",
        date="2024-12-02",
        section="Arts",
        dek="The gift includes works by painters from the region's early art colonies.",
        caption="A landscape from the collection, painted near Cedar Falls in 1911.",
        related=[
            "Theater company finds a new home",
            "Mural festival returns to the warehouse district",
        ],
        body=[
            (
                "p",
                "A retired surgeon has donated 300 paintings to the City Art Museum, the largest gift in the museum's 90-year history, officials said on Monday.",
            ),
            (
                "p",
                "The collection, assembled by Dr. Walter Haines over five decades, focuses on painters who worked in the region's art colonies between 1890 and 1940.",
            ),
            (
                "p",
                "Many of the works have never been shown in public. Curators said about 40 would go on display next fall in a gallery named for Haines and his late wife, Margaret.",
            ),
            (
                "p",
                '"These painters were famous in their day and then forgotten," said chief curator Ana Petrov. "This gift lets us tell their story properly."',
            ),
            (
                "p",
                "The museum did not disclose the value of the collection, but appraisers familiar with the works estimated it at more than $25 million.",
            ),
        ],
    ),
    Story(
        slug="water-main",
        title="Water Main Break Floods Downtown Streets",
        author="Ben Adeyemi",
        date="2024-02-03",
        section="Local",
        dek="Crews restored service to most buildings by evening.",
        caption="Water pours across Second Street after the break on Saturday.",
        related=[
            "City to replace lead pipes by 2030",
            "Storm drains cleared ahead of heavy rain",
        ],
        body=[
            (
                "p",
                "A 36-inch water main broke under Second Street early Saturday, flooding several downtown blocks and leaving dozens of buildings without water for most of the day.",
            ),
            (
                "p",
                "The break was reported at 5:40 a.m. By the time crews shut off the valves about two hours later, water stood nearly a foot deep at the intersection of Second and Market streets.",
            ),
            (
                "p",
                "The utility said the pipe was installed in 1921 and had been scheduled for replacement in 2026.",
            ),
            (
                "p",
                "Service was restored to most buildings by 7 p.m., but residents of two apartment towers were told to boil their water until tests confirm it is safe.",
            ),
            ("p", "Officials said the cost of the repair was not yet known."),
        ],
    ),
    Story(
        slug="jobs-report",
        title="Region Adds 12,000 Jobs as Unemployment Falls",
        author="Mei Tanaka",
        date="2024-09-20",
        section="Business",
        dek="Health care and construction led the gains.",
        caption="A hiring fair at the convention center in August.",
        related=[
            "Minimum wage rises to $15 in January",
            "Warehouse builder plans 500 jobs near airport",
        ],
        body=[
            (
                "p",
                "Employers in the metro area added 12,000 jobs in August, and the unemployment rate fell to 3.6 percent, the state labor department reported on Friday.",
            ),
            (
                "p",
                "Health care led the gains with 4,100 new jobs, followed by construction with 2,800. Manufacturing employment was flat, and retail lost about 900 jobs.",
            ),
            (
                "p",
                "Economists said the numbers suggest the local economy is cooling slowly rather than heading into a downturn.",
            ),
            ("h2", "Wages"),
            (
                "p",
                "Average hourly earnings rose 4.2 percent from a year earlier, slightly faster than prices, which means workers' buying power grew for the fifth month in a row.",
            ),
            ("p", "The September report is due out on Oct. 18."),
        ],
    ),
    Story(
        slug="ferry-electric",
        title="First Electric Ferry Enters Service on the Sound",
        author="Kai Andersen",
        date="2024-06-28",
        section="Environment",
        dek="The boat charges at each dock in about 10 minutes.",
        caption="The ferry Orca docks at Bayview terminal on its first day.",
        related=[
            "Port adds shore power for cruise ships",
            "Ferry riders face longer waits this summer",
        ],
        body=[
            (
                "p",
                "The state's first battery-powered car ferry carried its first passengers across the Sound on Friday, cutting the fuel bill on one of the system's busiest routes.",
            ),
            (
                "p",
                "The 144-car vessel, named Orca, recharges for about 10 minutes at each dock. It replaces a diesel ferry that burned roughly 300,000 gallons of fuel a year.",
            ),
            (
                "p",
                "The ferry system plans to convert 16 more boats by 2040, at a cost that could exceed $3 billion.",
            ),
            (
                "p",
                '"Riders will notice how quiet it is," said captain Maya Lindgren. "You can hear the gulls from the car deck."',
            ),
            (
                "p",
                "Some lawmakers have questioned the cost, saying the money would be better spent hiring crews to end cancellations that have plagued the system.",
            ),
        ],
    ),
]


@dataclass(frozen=True)
class LiveEntry:
    time: str
    headline: str
    paragraphs: list[str]


@dataclass(frozen=True)
class LiveBlog:
    slug: str
    title: str
    author: str
    date: str
    entries: list[LiveEntry]


LIVEBLOGS: list[LiveBlog] = [
    LiveBlog(
        slug="storm-live",
        title="Live: Storm Brings Heavy Rain and Power Cuts to the Coast",
        author="Weather Desk",
        date="2024-11-18",
        entries=[
            LiveEntry(
                "4:52 p.m.",
                "Power restored to 30,000 customers",
                [
                    "The utility said crews had restored power to about 30,000 of the 85,000 customers who lost it this morning.",
                    "Most of the remaining outages are in the northern suburbs, where fallen trees have blocked roads.",
                ],
            ),
            LiveEntry(
                "3:15 p.m.",
                "Schools close early",
                [
                    "The county school district sent students home two hours early and canceled evening activities.",
                ],
            ),
            LiveEntry(
                "1:40 p.m.",
                "Coast road closed at Pelican Point",
                [
                    "Police closed the coast road between Pelican Point and the marina after waves pushed sand and debris across both lanes.",
                    "Drivers are being sent inland along Route 1, which is adding about 20 minutes to trips.",
                ],
            ),
            LiveEntry(
                "11:05 a.m.",
                "Rainfall totals climb",
                [
                    "More than four inches of rain had fallen at the airport by late morning, according to the weather service, with another two inches expected before midnight.",
                ],
            ),
        ],
    ),
    LiveBlog(
        slug="election-live",
        title="Election Night Live: Results From the Mayor's Race",
        author="Politics Team",
        date="2024-11-05",
        entries=[
            LiveEntry(
                "11:48 p.m.",
                "Hernandez declares victory",
                [
                    "Councilwoman Lucia Hernandez told supporters at a downtown hotel that she had won the race for mayor, after returns showed her leading by 11 points with most precincts counted.",
                    '"This city voted for buses that come on time and rents people can pay," she said.',
                ],
            ),
            LiveEntry(
                "10:30 p.m.",
                "Turnout highest in two decades",
                [
                    "The county clerk estimated turnout at 58 percent of registered voters, the highest for a mayoral election since 2004.",
                ],
            ),
            LiveEntry(
                "9:12 p.m.",
                "Early returns show a close race",
                [
                    "With a fifth of precincts reporting, Hernandez led former police chief Mark Doyle by fewer than 2,000 votes.",
                    "Doyle's campaign said it expected the gap to close as votes from the western wards came in.",
                ],
            ),
            LiveEntry(
                "8:00 p.m.",
                "Polls are closed",
                [
                    "Voting has ended across the city. Anyone who was in line at 8 p.m. is still allowed to cast a ballot.",
                ],
            ),
        ],
    ),
]
