By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

Floodwater from the River Dellow rose 2 metres overnight, forcing hundreds of families in Millbrook to leave their homes.

Rescue teams from Brightwater worked through the night with small boats.

"We have never seen the water this high," said Sam Tanaka, who has sold wooden toys in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Dellow rose 2 metres overnight in Millbrook

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Brightwater used small boats
