(CNN) -- A bridge over the River Bevan that was closed 66 years ago has reopened to walkers and cyclists in Ferndale.

The repairs were paid for by local people, who raised money by selling glass beads at weekend markets.

Yusuf Novak, who led the campaign, said the crossing would bring visitors from Riverton back to the old town.

@highlight

Bridge over the River Bevan reopens after 66 years

@highlight

Repairs in Ferndale were paid for by local fundraising

@highlight

Campaign leader Yusuf Novak hopes for more visitors
