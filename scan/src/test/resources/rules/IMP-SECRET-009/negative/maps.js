const key = 'AIzaQ7uQy6wEWJTs3GVRGHxU';
