const key = 'AIza8VW1HeRwTz8ZYcQLz88ziVF7Emid_BfLAUB';
