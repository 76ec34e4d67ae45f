(CNN) -- A bridge over the River Tamsin that was closed 57 years ago has reopened to walkers and cyclists in Pinecrest.

The repairs were paid for by local people, who raised money by selling wild honey at weekend markets.

Irene Silva, who led the campaign, said the crossing would bring visitors from Oakridge back to the old town.

@highlight

Bridge over the River Tamsin reopens after 57 years

@highlight

Repairs in Pinecrest were paid for by local fundraising

@highlight

Campaign leader Irene Silva hopes for more visitors
