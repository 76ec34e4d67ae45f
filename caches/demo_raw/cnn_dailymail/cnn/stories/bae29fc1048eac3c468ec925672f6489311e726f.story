(CNN) -- Floodwater from the River Esker rose 5 metres overnight, forcing hundreds of families in Elmstead to leave their homes.

Rescue teams from Greyhaven worked through the night with small boats.

"We have never seen the water this high," said Ben Larsen, who has sold wooden toys in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Esker rose 5 metres overnight in Elmstead

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Greyhaven used small boats
