(CNN) -- Floodwater from the River Tamsin rose 7 metres overnight, forcing hundreds of families in Oakridge to leave their homes.

Rescue teams from Pinecrest worked through the night with small boats.

"We have never seen the water this high," said Sam Kowalski, who has sold wild honey in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Tamsin rose 7 metres overnight in Oakridge

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Pinecrest used small boats
