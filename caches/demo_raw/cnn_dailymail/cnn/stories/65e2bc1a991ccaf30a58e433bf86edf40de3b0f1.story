(CNN) -- Floodwater from the River Bevan rose 4 metres overnight, forcing hundreds of families in Millbrook to leave their homes.

Rescue teams from Oakridge worked through the night with small boats.

"We have never seen the water this high," said Noah Larsen, who has sold apple cider in the town square for twenty years.

Forecasters expect the rain to ease by the weekend

@highlight

River Bevan rose 4 metres overnight in Millbrook

@highlight

Hundreds of families had to leave their homes

@highlight

Rescue teams from Oakridge used small boats
