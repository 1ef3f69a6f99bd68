"""The demo forum's content: categories and ideas that read like a real coffee company's forum."""
# ruff: noqa: E501  (demo prose reads better unwrapped)

CATEGORIES = [
    ("Product", "product", "Drinks, food and things to take home.", [
        ("Drinks", "drinks"), ("Food", "food"), ("Merchandise", "merchandise"),
    ]),
    ("Experience", "experience", "Ordering, paying, and the places themselves.", [
        ("Ordering and payment", "ordering-payment"), ("Atmosphere and locations", "locations"), ("Service", "service"),
    ]),
    ("Involvement", "involvement", "Community, sustainability and building ideas together.", [
        ("Community", "community"), ("Social responsibility", "responsibility"),
    ]),
]  # fmt: skip

MEMBERS = [
    ("astrid@example.com", "Astrid Lund"), ("bjorn@example.com", "Bjørn Hansen"), ("camilla@example.com", "Camilla Berg"),
    ("david@example.com", "David Nyström"), ("emma@example.com", "Emma Sørensen"), ("frida@example.com", "Frida Holm"),
    ("gustav@example.com", "Gustav Eriksson"), ("hanne@example.com", "Hanne Dahl"), ("ida@example.com", "Ida Kristiansen"),
    ("jonas@example.com", "Jonas Lindqvist"), ("karin@example.com", "Karin Mortensen"), ("lars@example.com", "Lars Vik"),
]  # fmt: skip
MODERATOR = ("mo@example.com", "Mona Moderator")
PRODUCT_TEAM = ("pat@example.com", "Patrik Product")
ADMIN = ("admin@example.com", "Admin")

# (category slug, title, tags, why, how): the body is built from the last two.
IDEAS = [
    ("drinks", "Oat milk at no extra charge", ["dairy-free", "pricing"],
     "Many of us drink oat milk for health or climate reasons, and paying **extra** for it feels like a penalty.",
     ["Price all milks the same", "Show the milk choice on the receipt", "Start with a trial in one city"]),
    ("drinks", "A smaller cup size for espresso drinks", ["sizes"],
     "The smallest size is still too big for a proper flat white. A 6 oz cup would keep the coffee-to-milk ratio right.",
     ["Add a 6 oz size to the menu", "Price it below the small"]),
    ("drinks", "Seasonal lingonberry iced tea", ["seasonal", "nordic"],
     "A Nordic summer drink would set the menu apart. Lingonberry is tart, pretty, and everybody here grew up with it.",
     ["Sweetened and unsweetened versions", "Local berries where possible"]),
    ("drinks", "Decaf pour-over all day", ["decaf"],
     "After 3 pm I want decaf, but only the espresso machine offers it. A decaf pour-over would taste much better.",
     ["Keep one decaf single-origin on pour-over", "List it on the board"]),
    ("drinks", "Sugar-free syrups across the whole range", ["sugar-free", "health"],
     "Only vanilla comes sugar-free. Caramel and hazelnut would make a lot of diabetics very happy.",
     ["Sugar-free caramel and hazelnut first", "Mark them clearly on the menu"]),
    ("drinks", "Cold brew on tap in the bigger stores", ["cold-brew"],
     "Cold brew sells out by noon. A keg on tap keeps it fresh and fast to pour.",
     ["Start with the ten busiest stores", "Nitro option later"]),
    ("food", "Gluten-free sandwich that is not an afterthought", ["gluten-free"],
     "The gluten-free option is one sad wrap. Coeliacs eat lunch too, and we bring friends.",
     ["A proper sandwich on good GF bread", "Separate toaster to avoid cross-contact"]),
    ("food", "Show the protein and fibre content, not only calories", ["nutrition"],
     "Calories alone say little. Protein and fibre help people who train or manage blood sugar pick well.",
     ["Add a nutrition panel in the app", "Print a small table in the store"]),
    ("food", "A vegan cinnamon bun", ["vegan", "baking"],
     "A cinnamon bun is the classic *fika* pastry, and the vegan crowd keeps asking for one.",
     ["Plant butter and oat milk dough", "Same price as the regular bun"]),
    ("food", "Sell day-old pastries at half price in the evening", ["food-waste"],
     "Perfectly good pastries are thrown away every night. Half price after 6 pm would cut waste and please students.",
     ["A \"Too good to go\" shelf after 6 pm", "Or partner with an existing food-waste app"]),
    ("food", "Porridge bar in the morning", ["breakfast"],
     "Warm oats with toppings is what half of Scandinavia eats for breakfast. It is cheap and filling.",
     ["Oats, toppings of the season", "Lingonberry, apple, cinnamon, nuts"]),
    ("merchandise", "Refill packs for the coffee beans tins", ["packaging"],
     "I have five empty tins at home. Selling refill bags would cut packaging and cost.",
     ["Paper refill bags sized to the tin", "A small discount for bringing the tin"]),
    ("merchandise", "A travel mug that fits car cup holders", ["mugs"],
     "The current travel mug is too wide for most car cup holders. Commuters would buy a narrow one.",
     ["Narrow base, same volume", "Leak-proof lid that opens with one hand"]),
    ("merchandise", "Local artist series of mugs", ["art", "local"],
     "Each country could get a mug designed by a local illustrator. Collectors would love it.",
     ["One artist per country per year", "Part of the proceeds to an art school"]),
    ("ordering-payment", "Order ahead from the app and skip the queue", ["app", "queue"],
     "The morning queue costs me ten minutes. Ordering ahead and picking up at a shelf would fix it.",
     ["Pick-up shelf with names", "Notification when the drink is ready"]),
    ("ordering-payment", "Pay with MobilePay, Vipps and Swish", ["payments", "nordic"],
     "Everyone here pays with their phone, and the local apps are what we actually use.",
     ["MobilePay in Denmark and Finland", "Vipps in Norway, Swish in Sweden"]),
    ("ordering-payment", "Digital receipts by e-mail", ["receipts", "paperless"],
     "Paper receipts fade and get lost, and I need them for expenses.",
     ["Opt-in e-mail receipts", "Export all receipts of a month as PDF"]),
    ("ordering-payment", "Remember my usual order", ["app", "personalisation"],
     "I order the same drink every day. One tap to reorder would be lovely.",
     ["\"Your usual\" at the top of the app", "Works for the last three orders"]),
    ("ordering-payment", "Let me tip the barista in the app", ["tips"],
     "I never carry coins any more, but I would like to thank the baristas.",
     ["Optional tip after payment", "All of it goes to the store's team"]),
    ("locations", "Quiet zones for people who work from the café", ["remote-work"],
     "Laptop workers and chatty groups clash. A quiet corner with power sockets would help both.",
     ["Signed quiet zone", "Sockets at every seat there"]),
    ("locations", "More power sockets and USB-C", ["power"],
     "Finding a free socket is a sport. USB-C at the tables would solve it.",
     ["USB-C under every table edge", "Wireless chargers at the bar"]),
    ("locations", "Stroller parking by the door", ["families"],
     "Parents with strollers block the aisles because there is nowhere to leave the stroller.",
     ["A marked area inside the door", "Hooks for bags"]),
    ("locations", "Longer opening hours on Sundays", ["opening-hours"],
     "Most stores close at 5 pm on Sundays, which is exactly when we want coffee after a walk.",
     ["Open until 7 pm on Sundays in summer", "Try it in a few stores first"]),
    ("locations", "Outdoor seating with blankets in winter", ["hygge", "outdoor"],
     "Sitting outside with a blanket and a hot drink is a Scandinavian winter pleasure.",
     ["Blankets and heat pads on outdoor chairs", "Wind shelters where possible"]),
    ("locations", "Step-free entrance at every store", ["accessibility"],
     "Several stores have a step at the door. Wheelchair users and parents with strollers cannot get in.",
     ["Ramps where a step exists", "A bell for help at the door meanwhile"]),
    ("service", "Write the drink name in large print", ["accessibility"],
     "With poor sight I cannot read the tiny labels on the cup, so I grab the wrong drink.",
     ["Large print labels", "Say the name clearly at hand-off"]),
    ("service", "Offer tap water without asking", ["water"],
     "A glass of water with an espresso is standard in Europe. It should be offered, not begged for.",
     ["A water station with glasses", "Free for everyone"]),
    ("service", "Let me bring my own cup for a discount everywhere", ["reusable"],
     "Some stores accept my cup, others refuse it. The rule should be the same everywhere.",
     ["Accept clean own cups in all stores", "A discount that makes it worth it"]),
    ("service", "Barista training on latte art for all staff", ["quality"],
     "Drinks look great in some stores and sad in others. Training would lift the whole chain.",
     ["Quarterly training", "A friendly latte art contest between stores"]),
    ("community", "Monthly coffee tasting evenings", ["events", "learning"],
     "I would love to learn about origins and brewing with other coffee lovers.",
     ["One evening a month per city", "Small fee, includes tasting"]),
    ("community", "Free meeting room for local clubs", ["community"],
     "Book clubs and neighbourhood groups need a place to meet. The back room is empty most evenings.",
     ["Bookable through the app", "Free if the group buys drinks"]),
    ("community", "A board for local notices", ["local"],
     "A corkboard for lost cats, concerts and flat swaps would make the store a real neighbourhood place.",
     ["Moderated by the store team", "Cleared every month"]),
    ("community", "Language café evenings", ["integration", "events"],
     "Newcomers want to practise Danish, Norwegian or Swedish with locals over coffee.",
     ["One evening a week", "Volunteer hosts, free filter coffee"]),
    ("responsibility", "Compostable cups and lids", ["sustainability", "packaging"],
     "The lids are plastic and the cups are lined with plastic. Both could be compostable.",
     ["Compostable lids first", "Bins that actually take them"]),
    ("responsibility", "Show where each coffee comes from", ["transparency", "sourcing"],
     "I want to know which farm, which co-operative, and what the farmers were paid.",
     ["A QR code on every bag", "Farm, region, and price paid per kilo"]),
    ("responsibility", "Donate leftover food to shelters", ["food-waste"],
     "Beyond discounts, whatever is left at closing could go to a local shelter.",
     ["Partner with one shelter per city", "Pick-up each evening"]),
    ("responsibility", "Coffee grounds for gardeners", ["compost", "gardening"],
     "Used grounds are great compost. Give them away in bags instead of throwing them out.",
     ["Free bags by the door", "Tips on using grounds in the garden"]),
    ("responsibility", "Electric delivery bikes for catering", ["climate", "delivery"],
     "Catering orders arrive in diesel vans. Cargo bikes would be faster in the city centre too.",
     ["Cargo bikes in the three largest cities", "Report the CO₂ saved"]),
    ("community", "Student discount with a valid student card", ["students", "pricing"],
     "Students are loyal customers for life if you win them early.",
     ["10 % off with a student card", "Verified once in the app"]),
    ("drinks", "Bring back the gingerbread latte in December", ["seasonal", "christmas"],
     "It was the best thing about December, and it vanished two years ago without a word.",
     ["Back on the menu from 1 December", "A less sweet version too"]),
    ("drinks", "Plant milk for the same price as cow's milk", ["dairy-free", "pricing"],
     "Why does soy or oat cost more? It is better for the climate and should not be a luxury.",
     ["One price for every milk"]),
]  # fmt: skip


def idea_body(why: str, how: list[str]) -> str:
    steps = "\n".join(f"- {step}" for step in how)
    return f"{why}\n\n## How it could work\n\n{steps}\n\nWhat do you think? Vote if you want this too."


# Conversations on the most popular demo ideas, by title. "by" is a member's display name (or the
# product team's); "{@Name}" in a text becomes a mention of that member; "edit" is what the author
# changed the text to afterwards; "official" marks the product team's official response.
THREADS = {
    "Decaf pour-over all day": [
        {"by": "Camilla Berg", "text": "Yes! I stop drinking coffee at three because decaf from the machine tastes burnt. A proper pour-over would bring me back in the afternoon.", "replies": [
            {"by": "David Nyström", "text": "Same here. The evening is when I have time to sit down, and that is exactly when the good coffee is gone.", "replies": [
                {"by": "Camilla Berg", "text": "Exactly. Even one single-origin decaf would do, it does not need a whole menu.", "replies": [
                    {"by": "Emma Sørensen", "text": "A Swiss Water decaf from Colombia would be my vote. I volunteer as a tester.", "replies": []},
                ]},
            ]},
        ]},
        {"by": "Frida Holm", "text": "Could it be on the board with the brewing time? Pour-over takes four minutes, and people should know before they order. {@Gustav Eriksson}, you asked about this in the Aarhus shop, didn't you?", "replies": [
            {"by": "Gustav Eriksson", "text": "I did! They said it was a question of grinder space.", "edit": "I did! They said it was a question of grinder space: decaf needs its own grinder so the beans do not mix.", "replies": []},
        ]},
        {"by": "Patrik Product", "official": True, "text": "Thank you all. From next month **every shop with a pour-over bar keeps one decaf single-origin on it all day**, with its own grinder. We will put it on the board with the brewing time, as Frida suggested.", "replies": []},
    ],
    "Order ahead from the app and skip the queue": [
        {"by": "Hanne Dahl", "text": "Yes please. And show how long it will take *before* I pay, so I know whether to leave the office now.", "replies": [
            {"by": "Jonas Lindqvist", "text": "Good point. A rough \"ready in 6 minutes\" would be enough.", "replies": []},
        ]},
        {"by": "Karin Mortensen", "text": "Would the shelf be by the door? The queue sometimes reaches the door, and then picking up means pushing through it.", "replies": [
            {"by": "Ida Kristiansen", "text": "A separate pick-up counter at the side would work in most of the shops I know.", "replies": []},
        ]},
    ],
    "Coffee grounds for gardeners": [
        {"by": "Lars Vik", "text": "The shop in Bergen did this last spring and the bags were gone by noon every day. {@Astrid Lund} might know more, she helped with it.", "replies": [
            {"by": "Astrid Lund", "text": "It went really well. Tip: dry the grounds a day first, or the bags go mouldy.", "replies": []},
        ]},
    ],
}  # fmt: skip


# The product team's public moves, oldest first: (days ago, idea title, new status, public note), and
# for a merge the title of the idea it goes into. Titles are those of IDEAS above.
PIPELINE = [
    (75, "Oat milk at no extra charge", "under_review", "We hear you. We are working out what one price for every milk would mean across the Nordic shops.", None),
    (70, "Pay with MobilePay, Vipps and Swish", "under_review", "Our payment team is talking to all three providers.", None),
    (62, "Plant milk for the same price as cow's milk", "merged", "This is the same wish as “Oat milk at no extra charge”, so we merged the two: your votes count there now, and you follow it.", "Oat milk at no extra charge"),
    (58, "Pay with MobilePay, Vipps and Swish", "coming_soon", "Scheduled: **Vipps and Swish** first, MobilePay right after, in the shops and in the app.", None),
    (55, "Oat milk at no extra charge", "reviewed", "Our suppliers agreed better prices for oat, soy and almond milk. One price for every milk is worth doing; next we plan the roll-out.", None),
    (50, "Decaf pour-over all day", "under_review", "The coffee team is testing decaf single-origins on the pour-over bar.", None),
    (45, "Write the drink name in large print", "under_review", "Thank you for telling us. We are trying larger labels in two shops.", None),
    (40, "Oat milk at no extra charge", "coming_soon", "**From 1 November** every milk costs the same in every shop, and the receipt shows the milk you chose.", None),
    (35, "Decaf pour-over all day", "coming_soon", "Coming next month: one decaf single-origin on every pour-over bar, all day, with its own grinder.", None),
    (33, "A vegan cinnamon bun", "under_review", "Our bakers have started on a plant-butter dough.", None),
    (30, "Pay with MobilePay, Vipps and Swish", "launched", "You can now pay with **MobilePay** in Denmark and Finland, **Vipps** in Norway and **Swish** in Sweden, at the till and in the app.", None),
    (30, "Longer opening hours on Sundays", "under_review", "We will try opening until 7 pm on Sundays in four shops this autumn.", None),
    (28, "Write the drink name in large print", "launched", "Every shop now prints the drink name in large type, and baristas say it aloud at hand-off.", None),
    (26, "Order ahead from the app and skip the queue", "under_review", "The app team is sketching the order-ahead flow and a pick-up shelf.", None),
    (24, "Oat milk at no extra charge", "launched", "It is live: oat, soy, almond and cow's milk all cost the same, in every shop. Thank you to everyone who pushed for this!", None),
    (22, "Cold brew on tap in the bigger stores", "under_review", "We are testing kegs in our Copenhagen roastery.", None),
    (21, "Barista training on latte art for all staff", "under_review", "We are looking at how training works today.", None),
    (20, "A vegan cinnamon bun", "reviewed", "The test batches passed the tasting panel. Worth doing: now we plan baking at scale.", None),
    (19, "Step-free entrance at every store", "under_review", "We are surveying the entrance of every shop.", None),
    (18, "Decaf pour-over all day", "launched", "Every shop with a pour-over bar now keeps a decaf single-origin all day. Tell us how you like it!", None),
    (16, "Compostable cups and lids", "under_review", "We are testing compostable lids with our packaging supplier.", None),
    (14, "Longer opening hours on Sundays", "declined", "Thank you for asking for this, and for visiting on the trial Sundays. Too few guests came after 5 pm to staff the shops fairly, so we are not planning it for now. Several shops in busy areas already open until 7 pm: the app shows each shop's hours.", None),
    (12, "Show where each coffee comes from", "under_review", "We are collecting farm and price data from our importers.", None),
    (12, "Let me tip the barista in the app", "declined", "We asked our baristas, and most of them prefer fair wages to tips, so we are not adding tipping. A kind word at the counter means a lot to them!", None),
    (11, "Barista training on latte art for all staff", "declined", "Every barista already gets latte art training in their first month and a refresher every year, so we will not add a contest between shops. Our trainers will visit the shops where you told us drinks look sad.", None),
    (10, "Quiet zones for people who work from the café", "under_review", "Two shops will mark a quiet corner as a trial.", None),
    (9, "Order ahead from the app and skip the queue", "reviewed", "Worth doing. Order-ahead needs a new kitchen display, which we are choosing now.", None),
    (8, "Cold brew on tap in the bigger stores", "coming_soon", "The ten busiest shops get cold brew on tap **in the spring**.", None),
    (7, "Sugar-free syrups across the whole range", "under_review", "We are asking our syrup supplier for sugar-free caramel and hazelnut.", None),
    (6, "A vegan cinnamon bun", "coming_soon", "In the shops **in January**, at the same price as the classic bun.", None),
    (4, "Step-free entrance at every store", "reviewed", "Eleven shops have a step. Ramps are worth doing everywhere; we are booking the builders.", None),
    (3, "Show where each coffee comes from", "coming_soon", "A QR code on every bag, from the next harvest.", None),
]  # fmt: skip

# The moderators' side. A new account posts spam that three members flag (hidden pending review, first in
# the queue); a rude comment a moderator hid earlier, whose author appealed (the appeal waits for another
# moderator than Mona); an off-topic comment one member flagged. Names are those of MEMBERS above.
SPAMMER = ("deals@example.com", "Watch Deals 24")
SPAM_IDEA = (
    "drinks",
    "Cheap designer watches, 90% off",
    "Best **prices** on designer watches this week only. Visit [our shop](https://example.net/watches) "
    "and use code COFFEE for free shipping. Order now!",
)
SPAM_FLAGGERS = [
    ("Astrid Lund", "spam", ""),
    ("Bjørn Hansen", "spam", ""),
    ("Camilla Berg", "other", "An ad for watches, nothing to do with coffee."),
]
ABUSE = {
    "idea": "Order ahead from the app and skip the queue",
    "by": "Jonas Lindqvist",
    "text": "Only lazy people need this. Anyone who cannot wait five minutes for coffee is an idiot.",
    "flagged_by": "Karin Mortensen",
    "hidden_because": "Calling people idiots is not how we talk here. Say what you think of the idea, not of the people who like it.",
    "appeal": "I was joking, and I did not mean anyone here. Please show it again; I will be more careful.",
}
OFF_TOPIC = {
    "idea": "Coffee grounds for gardeners",
    "by": "Ida Kristiansen",
    "text": "Does anyone know whether the Bergen shop still sells the blue mugs?",
    "flagged_by": "Lars Vik",
    "note": "A question about mugs, not about the grounds.",
}  # fmt: skip

# Word of mouth. (sharer, idea, channel, visitors, of whom sign up, of whom vote): members shared ideas over
# the past eight weeks; visitors came through their links, some signed up (NEWCOMERS, in order) and voted.
SHARES = [
    ("Astrid Lund", "Order ahead from the app and skip the queue", "facebook", 38, 3, 3),
    ("Astrid Lund", "Order ahead from the app and skip the queue", "link", 12, 1, 1),
    ("Bjørn Hansen", "A vegan cinnamon bun", "x", 21, 1, 1),
    ("Camilla Berg", "Step-free entrance at every store", "linkedin", 17, 1, 1),
    ("David Nyström", "Cold brew on tap in the bigger stores", "facebook", 14, 0, 0),
    ("Emma Sørensen", "Compostable cups and lids", "email", 9, 1, 0),
    ("Frida Holm", "Quiet zones for people who work from the café", "link", 6, 1, 1),
]
NEWCOMERS = [
    ("nora@example.com", "Nora Aalto"), ("oskar@example.com", "Oskar Berglund"), ("sofie@example.com", "Sofie Kjær"),
    ("tobias@example.com", "Tobias Strand"), ("ulla@example.com", "Ulla Nieminen"), ("viktor@example.com", "Viktor Holm"),
    ("maja@example.com", "Maja Lindberg"), ("elias@example.com", "Elias Bakke"),
]  # fmt: skip
SHARE_WEEKS = 8
