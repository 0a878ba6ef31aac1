"""After the decision: the commendation register (sổ theo dõi khen thưởng), awards entered by
hand from other bodies' decisions, every recipient's history across years, and statistics."""
