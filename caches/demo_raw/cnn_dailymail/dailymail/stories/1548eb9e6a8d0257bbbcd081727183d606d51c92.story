By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

Floodwater from the River Arlow rose 7 metres overnight, forcing hundreds of families in Ashby to leave their homes.

Rescue teams from Oakridge worked through the night with small boats.

"We have never seen the water this high," said Olga Mensah, who has sold apple cider in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Arlow rose 7 metres overnight in Ashby

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Oakridge used small boats
