By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

Floodwater from the River Garrow rose 2 metres overnight, forcing hundreds of families in Ferndale to leave their homes.

Rescue teams from Hollowmere worked through the night with small boats.

"We have never seen the water this high," said Sam Kowalski, who has sold wild honey in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Garrow rose 2 metres overnight in Ferndale

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Hollowmere used small boats
