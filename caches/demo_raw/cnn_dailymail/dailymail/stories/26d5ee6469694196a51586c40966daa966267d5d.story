By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

Floodwater from the River Arlow rose 3 metres overnight, forcing hundreds of families in Westmoor to leave their homes.

Rescue teams from Ferndale worked through the night with small boats.

"We have never seen the water this high," said Grace Moreno, who has sold wool blankets in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Arlow rose 3 metres overnight in Westmoor

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Ferndale used small boats
