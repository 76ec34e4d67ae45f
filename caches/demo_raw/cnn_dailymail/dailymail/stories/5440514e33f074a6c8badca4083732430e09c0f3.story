By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, 1 April 2015 .

Floodwater from the River Dellow rose 2 metres overnight, forcing hundreds of families in Pinecrest to leave their homes.

Rescue teams from Riverton worked through the night with small boats.

"We have never seen the water this high," said Grace Patel, who has sold wool blankets in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Dellow rose 2 metres overnight in Pinecrest

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Riverton used small boats
