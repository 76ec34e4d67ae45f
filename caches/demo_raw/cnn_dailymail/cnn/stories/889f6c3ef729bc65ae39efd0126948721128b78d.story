(CNN) -- Floodwater from the River Arlow rose 4 metres overnight, forcing hundreds of families in Brightwater to leave their homes.

Rescue teams from Hollowmere worked through the night with small boats.

"We have never seen the water this high," said Kemi Mensah, who has sold wild honey in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Arlow rose 4 metres overnight in Brightwater

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Hollowmere used small boats
