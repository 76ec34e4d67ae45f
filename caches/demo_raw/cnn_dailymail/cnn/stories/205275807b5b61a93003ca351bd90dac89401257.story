(CNN) -- Floodwater from the River Corrin rose 8 metres overnight, forcing hundreds of families in Pinecrest to leave their homes.

Rescue teams from Brightwater worked through the night with small boats.

"We have never seen the water this high," said Grace Tanaka, who has sold wooden toys in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Corrin rose 8 metres overnight in Pinecrest

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Brightwater used small boats
