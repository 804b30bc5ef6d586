-- The directory matches departments case-insensitively among approved mentors,
-- a few hundred rows reached through the mentors table, so no query reads this
-- index; every HR record written paid to maintain it.
DROP INDEX faculty_department;
